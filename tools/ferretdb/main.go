// Command ferretdb runs FerretDB's embeddable server with its SQLite backend.
// The portal starts it as its embedded database when no MongoDB is configured.
//
// FerretDB itself listens only on a Unix socket in a private folder; clients reach it through the
// proxy in proxy.go on --listen-addr, which lets one write command through at a time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	os.Exit(run())
}

func run() int {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URL, ending with a slash")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	exitWithStdin := flag.Bool("exit-with-stdin", false, "stop when standard input closes (the process that started it has gone)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(*logLevel))); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --log-level %q\n", *logLevel)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *exitWithStdin {
		// The parent holds the other end of the pipe; when it dies, even by SIGKILL, the pipe closes and the
		// engine stops cleanly instead of staying on as an orphan holding the data folder.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	// A folder only this user can enter (MkdirTemp makes it 0700), so nobody else can reach the socket and skip the proxy.
	tempRoot := os.TempDir()
	if len(tempRoot) > 60 {
		// A Unix socket path is limited to about 100 bytes; a long TMPDIR would not fit.
		tempRoot = "/tmp"
	}
	socketDir, err := os.MkdirTemp(tempRoot, "ferretdb-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		return 1
	}
	defer os.RemoveAll(socketDir)
	socket := filepath.Join(socketDir, "ferretdb.sock")

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		return 1
	}

	// Run returns when its context ends, after closing its listener, its connections and the backend.
	serverCtx, stopServer := context.WithCancel(context.Background())
	serverDone := make(chan struct{})
	go func() {
		defer close(serverDone)
		if err := server.Run(serverCtx); err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		}
	}()
	stopAll := func() {
		stopServer()
		<-serverDone
	}

	// The TCP port opens last: whoever waits for it knows the database is ready.
	if err := waitForSocket(ctx, socket, 20*time.Second); err != nil {
		stopAll()
		if errors.Is(err, context.Canceled) {
			return 0
		}
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		return 1
	}
	listener, err := net.Listen("tcp", *listenAddr)
	if err != nil {
		stopAll()
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		return 1
	}

	p := newProxy(socket, logger)
	go p.serve(listener)

	select {
	case <-ctx.Done():
	case <-serverDone:
		_ = listener.Close()
		p.shutdown(5 * time.Second)
		fmt.Fprintln(os.Stderr, "ferretdb: the database stopped unexpectedly")
		return 1
	}

	// Stop taking connections, let a write in progress finish, then stop the database.
	_ = listener.Close()
	p.shutdown(5 * time.Second)
	stopAll()
	return 0
}
