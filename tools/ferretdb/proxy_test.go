package main

import (
	"encoding/binary"
	"testing"
)

// doc builds a BSON document with one int32 field per key, in order.
func doc(keys ...string) []byte {
	var body []byte
	for _, k := range keys {
		body = append(body, 0x10)
		body = append(body, k...)
		body = append(body, 0, 1, 0, 0, 0)
	}
	out := binary.LittleEndian.AppendUint32(nil, uint32(len(body)+5))
	out = append(out, body...)
	return append(out, 0)
}

func opMsgOf(flags uint32, sections ...[]byte) message {
	m := make([]byte, headerLen)
	m = binary.LittleEndian.AppendUint32(m, flags)
	for _, s := range sections {
		m = append(m, s...)
	}
	if flags&flagChecksumPresent != 0 {
		m = append(m, 0, 0, 0, 0)
	}
	binary.LittleEndian.PutUint32(m[0:4], uint32(len(m)))
	binary.LittleEndian.PutUint32(m[12:16], opMsg)
	return m
}

func body(d []byte) []byte { return append([]byte{0}, d...) }

func sequence(id string, docs ...[]byte) []byte {
	var payload []byte
	payload = append(payload, id...)
	payload = append(payload, 0)
	for _, d := range docs {
		payload = append(payload, d...)
	}
	out := []byte{1}
	out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)+4))
	return append(out, payload...)
}

func TestCommandName(t *testing.T) {
	cases := []struct {
		name  string
		msg   message
		want  string
		write bool
	}{
		{"find", opMsgOf(0, body(doc("find", "$db"))), "find", false},
		{"insert", opMsgOf(0, body(doc("insert", "$db"))), "insert", true},
		{"update after a document sequence", opMsgOf(0, sequence("updates", doc("q"), doc("u")), body(doc("update", "$db"))), "update", true},
		{"delete with a checksum", opMsgOf(flagChecksumPresent, body(doc("delete", "$db"))), "delete", true},
		{"lower-case findandmodify", opMsgOf(0, body(doc("findandmodify"))), "findandmodify", true},
		{"case matters", opMsgOf(0, body(doc("Insert"))), "Insert", false},
		{"getMore", opMsgOf(0, body(doc("getMore"))), "getMore", false},
	}
	for _, c := range cases {
		got, err := commandName(c.msg)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v", c.name, got, err)
		}
		write, err := isWrite(c.msg)
		if err != nil || write != c.write {
			t.Errorf("%s: isWrite %v, %v", c.name, write, err)
		}
	}
}

func TestMalformedMessagesAreRefused(t *testing.T) {
	good := opMsgOf(0, body(doc("insert")))
	bad := []message{
		good[:headerLen+2],
		opMsgOf(0),
		opMsgOf(0, body(doc())),
		opMsgOf(0, body(doc("insert")), body(doc("find"))),
		opMsgOf(0, []byte{2, 5, 0, 0, 0, 0}),
		opMsgOf(0, []byte{0, 200, 0, 0, 0, 0}),
		opMsgOf(0, []byte{0, 0xff, 0xff, 0xff, 0xff}),
		opMsgOf(0, []byte{1, 6, 0, 0, 0, 'a', 'b'}),
		opMsgOf(0, body([]byte{7, 0, 0, 0, 0x10, 'a', 0})),
		opMsgOf(flagChecksumPresent),
	}
	for i, m := range bad {
		if _, err := commandName(m); err == nil {
			t.Errorf("case %d: malformed message accepted", i)
		}
	}
	// Every truncation of a good message is refused or parsed, never a panic.
	for n := headerLen; n < len(good); n++ {
		_, _ = commandName(good[:n])
	}
	compressed := opMsgOf(0, body(doc("insert")))
	binary.LittleEndian.PutUint32(compressed[12:16], opCompressed)
	if _, err := isWrite(compressed); err == nil {
		t.Error("OP_COMPRESSED accepted")
	}
}

func FuzzCommandName(f *testing.F) {
	f.Add([]byte(opMsgOf(0, body(doc("insert")))))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) >= headerLen {
			_, _ = commandName(message(b))
		}
	})
}
