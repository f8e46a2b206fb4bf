package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// FerretDB v1 applies an update by reading the document, changing it in Go and writing it back, so two
// concurrent writes to one document lose one of them. The proxy below is the only way in: it forwards
// each client connection to FerretDB's private Unix socket and lets one write command at a time through,
// for every connection of every process, which gives the per-document atomicity MongoDB promises.

const (
	opReply      = 1
	opQuery      = 2004
	opCompressed = 2012
	opMsg        = 2013

	headerLen = 16
	// MongoDB's maxMessageSizeBytes; a longer length can only be a broken or hostile client.
	maxMessageLen = 48_000_000

	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1
)

// writeCommands are the commands FerretDB v1.24 implements that change data, users or collections.
// Names are matched exactly, as on the wire (the lower-case variants are accepted by the server too).
var writeCommands = map[string]bool{
	"insert":                   true,
	"update":                   true,
	"delete":                   true,
	"findAndModify":            true,
	"findandmodify":            true,
	"create":                   true,
	"createIndexes":            true,
	"dropIndexes":              true,
	"deleteIndexes":            true,
	"drop":                     true,
	"dropDatabase":             true,
	"renameCollection":         true,
	"collMod":                  true,
	"compact":                  true,
	"reIndex":                  true,
	"convertToCapped":          true,
	"createUser":               true,
	"updateUser":               true,
	"dropUser":                 true,
	"dropAllUsersFromDatabase": true,
}

// message is one whole wire-protocol message, header included.
type message []byte

func (m message) requestID() int32 { return int32(binary.LittleEndian.Uint32(m[4:8])) }
func (m message) opCode() int32    { return int32(binary.LittleEndian.Uint32(m[12:16])) }

// flags are an OP_MSG's flag bits (0 for a message too short to have them).
func (m message) flags() uint32 {
	if m.opCode() != opMsg || len(m) < headerLen+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(m[headerLen : headerLen+4])
}

func readMessage(r io.Reader) (message, error) {
	var header [headerLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int32(binary.LittleEndian.Uint32(header[:4]))
	if length < headerLen || length > maxMessageLen {
		return nil, fmt.Errorf("message length %d out of range", length)
	}
	m := make(message, length)
	copy(m, header[:])
	if _, err := io.ReadFull(r, m[headerLen:]); err != nil {
		return nil, err
	}
	return m, nil
}

// cstringEnd is the index just past the NUL that ends the C string starting at b[0], or -1.
func cstringEnd(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i + 1
		}
	}
	return -1
}

// commandName is the first key of an OP_MSG's body (its kind-0 section), found among any document
// sequences (kind-1 sections), or an error when the message is malformed.
func commandName(m message) (string, error) {
	if len(m) < headerLen+4 {
		return "", errors.New("OP_MSG too short")
	}
	flags := binary.LittleEndian.Uint32(m[headerLen : headerLen+4])
	sections := m[headerLen+4:]
	if flags&flagChecksumPresent != 0 {
		if len(sections) < 4 {
			return "", errors.New("OP_MSG checksum missing")
		}
		sections = sections[:len(sections)-4]
	}
	name, found := "", false
	for len(sections) > 0 {
		kind := sections[0]
		sections = sections[1:]
		if len(sections) < 4 {
			return "", errors.New("OP_MSG section truncated")
		}
		size := int(int32(binary.LittleEndian.Uint32(sections[:4])))
		if size < 5 || size > len(sections) {
			return "", fmt.Errorf("OP_MSG section size %d out of range", size)
		}
		switch kind {
		case 0:
			if found {
				return "", errors.New("OP_MSG has two bodies")
			}
			doc := sections[:size]
			if doc[size-1] != 0 {
				return "", errors.New("OP_MSG body not terminated")
			}
			// An empty document has no command; otherwise: type byte, then the key as a C string.
			if size > 5 {
				end := cstringEnd(doc[5 : size-1])
				if end <= 1 {
					return "", errors.New("OP_MSG body has a bad first key")
				}
				name = string(doc[5 : 5+end-1])
			}
			found = true
		case 1:
			// A document sequence: its size covers the identifier and the documents; neither decides anything here.
			if cstringEnd(sections[4:size]) < 0 {
				return "", errors.New("OP_MSG document sequence has a bad identifier")
			}
		default:
			return "", fmt.Errorf("OP_MSG section kind %d unknown", kind)
		}
		sections = sections[size:]
	}
	if !found || name == "" {
		return "", errors.New("OP_MSG has no command")
	}
	return name, nil
}

// isWrite reports whether a request must wait for the write lock; an error means the message must not be forwarded.
func isWrite(m message) (bool, error) {
	switch m.opCode() {
	case opMsg:
		name, err := commandName(m)
		if err != nil {
			return false, err
		}
		return writeCommands[name], nil
	case opQuery:
		// FerretDB answers only the hand-shake and authentication commands (hello, isMaster, saslStart...) over OP_QUERY.
		return false, nil
	case opCompressed:
		// FerretDB advertises no compressor, so a client never has a reason to compress.
		return false, errors.New("OP_COMPRESSED is not supported: the server offers no compression")
	default:
		return false, fmt.Errorf("opcode %d is not supported", m.opCode())
	}
}

// proxy accepts client connections and forwards them to FerretDB's Unix socket.
type proxy struct {
	upstream string
	logger   *slog.Logger
	// writeLock is held from sending a write command until its reply has been read; a channel so shutdown can wait with a time limit.
	writeLock chan struct{}

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newProxy(upstream string, logger *slog.Logger) *proxy {
	return &proxy{upstream: upstream, logger: logger, writeLock: make(chan struct{}, 1), conns: map[net.Conn]struct{}{}}
}

// serve accepts connections until the listener is closed.
func (p *proxy) serve(l net.Listener) {
	for {
		client, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			p.logger.Warn("accept failed", slog.String("error", err.Error()))
			time.Sleep(50 * time.Millisecond)
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(client)
		}()
	}
}

func (p *proxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

// shutdown waits (at most `wait`) for a write in progress to finish, then closes every connection.
// It returns holding the write lock, so no write starts afterwards.
func (p *proxy) shutdown(wait time.Duration) {
	select {
	case p.writeLock <- struct{}{}:
	case <-time.After(wait):
		p.logger.Warn("a write was still in progress at shutdown")
	}
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(wait):
	}
}

func (p *proxy) handle(client net.Conn) {
	p.track(client, true)
	defer p.track(client, false)
	defer client.Close()

	upstream, err := net.Dial("unix", p.upstream)
	if err != nil {
		p.logger.Error("cannot reach the database", slog.String("error", err.Error()))
		return
	}
	p.track(upstream, true)
	defer p.track(upstream, false)
	defer upstream.Close()

	if err := p.relay(client, upstream); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
		p.logger.Debug("connection closed", slog.String("error", err.Error()))
	}
}

// relay answers one request at a time, as drivers send them, until either side fails or closes.
func (p *proxy) relay(client, upstream net.Conn) error {
	clientR := bufio.NewReaderSize(client, 64*1024)
	upstreamR := bufio.NewReaderSize(upstream, 64*1024)
	for {
		req, err := readMessage(clientR)
		if err != nil {
			return err
		}
		write, err := isWrite(req)
		if err != nil {
			return err
		}
		replies, err := p.exchange(req, write, upstream, upstreamR)
		if err != nil {
			return err
		}
		// moreToCome on a request means the client expects no reply; FerretDB answers anyway, so the answer is dropped.
		if req.flags()&flagMoreToCome != 0 {
			continue
		}
		for _, reply := range replies {
			if _, err := client.Write(reply); err != nil {
				return err
			}
		}
	}
}

// exchange sends one request to FerretDB and reads its replies: several when the server streams (exhaust),
// each but the last flagged moreToCome. A write holds the write lock throughout, and never while talking to the client.
func (p *proxy) exchange(req message, write bool, upstream net.Conn, upstreamR *bufio.Reader) ([]message, error) {
	if write {
		p.writeLock <- struct{}{}
		defer func() { <-p.writeLock }()
	}
	if _, err := upstream.Write(req); err != nil {
		return nil, err
	}
	var replies []message
	for {
		reply, err := readMessage(upstreamR)
		if err != nil {
			return nil, err
		}
		if reply.opCode() != opMsg && reply.opCode() != opReply {
			return nil, fmt.Errorf("unexpected reply opcode %d", reply.opCode())
		}
		replies = append(replies, reply)
		if reply.flags()&flagMoreToCome == 0 {
			return replies, nil
		}
	}
}

// waitForSocket returns once the Unix socket accepts connections, so the TCP port opens only when the database is ready.
func waitForSocket(ctx context.Context, path string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.Dial("unix", path)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the database did not start listening on %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
