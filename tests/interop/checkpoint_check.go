// An independent check of Corridor's checkpoints, signed notes and RFC 6962
// proofs, with the Go checksum database's own packages
// (golang.org/x/mod/sumdb/note and tlog, Debian's golang-golang-x-mod-dev).
// Built and run by tests/interop/checkpoint_interop_test.cc.
//
//	checkpoint_check verify NOTE_FILE KEY_FILE [PROOFS_FILE]
//	    Opens the note with the verifier key, parses the checkpoint in it and
//	    checks each proof line against it:
//	      inclusion INDEX BASE64_ENTRY BASE64_HASH,...   (in the note's tree)
//	      consistency OLD_SIZE BASE64_OLD_ROOT BASE64_HASH,...
//	    Prints "ok ORIGIN SIZE" or the first failure, and exits 1 on failure.
//	checkpoint_check sign NAME BODY_FILE
//	    Signs BODY_FILE with a new key named NAME; prints the verifier key on
//	    the first line, then the note.
package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func read(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return data
}

func hash(text string) tlog.Hash {
	bytes, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(bytes) != tlog.HashSize {
		fail("%q is not a base64 hash", text)
	}
	var h tlog.Hash
	copy(h[:], bytes)
	return h
}

func hashes(list string) []tlog.Hash {
	var out []tlog.Hash
	for _, text := range strings.Split(list, ",") {
		if text != "" {
			out = append(out, hash(text))
		}
	}
	return out
}

// The C2SP tlog-checkpoint body: origin, decimal size, base64 root.
func parseCheckpoint(text string) (string, int64, tlog.Hash) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		fail("checkpoint: fewer than three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || (len(lines[1]) > 1 && lines[1][0] == '0') {
		fail("checkpoint: bad size %q", lines[1])
	}
	return lines[0], size, hash(lines[2])
}

func verify(args []string) {
	verifier, err := note.NewVerifier(strings.TrimSpace(string(read(args[1]))))
	if err != nil {
		fail("verifier key: %v", err)
	}
	n, err := note.Open(read(args[0]), note.VerifierList(verifier))
	if err != nil {
		fail("note: %v", err)
	}
	origin, size, root := parseCheckpoint(n.Text)
	if origin != verifier.Name() {
		fail("checkpoint origin %q is not the key's name %q", origin, verifier.Name())
	}
	if len(args) > 2 {
		for _, line := range strings.Split(strings.TrimSpace(string(read(args[2]))), "\n") {
			f := strings.Fields(line)
			if len(f) == 3 {
				f = append(f, "") // an empty proof: a tree of one entry, or equal sizes
			}
			switch {
			case len(f) == 4 && f[0] == "inclusion":
				index, _ := strconv.ParseInt(f[1], 10, 64)
				entry, err := base64.StdEncoding.DecodeString(f[2])
				if err != nil {
					fail("inclusion: bad entry")
				}
				if err := tlog.CheckRecord(tlog.RecordProof(hashes(f[3])), size, root, index,
					tlog.RecordHash(entry)); err != nil {
					fail("inclusion of entry %d in the tree of %d: %v", index, size, err)
				}
			case len(f) == 4 && f[0] == "consistency":
				old, _ := strconv.ParseInt(f[1], 10, 64)
				if err := tlog.CheckTree(tlog.TreeProof(hashes(f[3])), size, root, old,
					hash(f[2])); err != nil {
					fail("consistency of the tree of %d with the tree of %d: %v", old, size, err)
				}
			default:
				fail("proof line %q: not inclusion or consistency", line)
			}
		}
	}
	fmt.Printf("ok %s %d\n", origin, size)
}

func sign(args []string) {
	skey, vkey, err := note.GenerateKey(rand.Reader, args[0])
	if err != nil {
		fail("%v", err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		fail("%v", err)
	}
	msg, err := note.Sign(&note.Note{Text: string(read(args[1]))}, signer)
	if err != nil {
		fail("%v", err)
	}
	fmt.Printf("%s\n%s", vkey, msg)
}

func main() {
	if len(os.Args) >= 4 && os.Args[1] == "verify" {
		verify(os.Args[2:])
	} else if len(os.Args) == 4 && os.Args[1] == "sign" {
		sign(os.Args[2:])
	} else {
		fail("usage: checkpoint_check verify NOTE KEY [PROOFS] | sign NAME BODY_FILE")
	}
}
