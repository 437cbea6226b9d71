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
//	checkpoint_check cosigned NOTE_FILE KEY_FILE WITNESS_KEY_FILE
//	    Opens the note with the log's key (the note package keeps a witness's
//	    line among the signatures it does not know), then checks the
//	    witness's C2SP tlog-cosignature cosignature/v1 line as the spec
//	    writes it, with Go's crypto/ed25519. Prints "ok cosigned by NAME at
//	    TIME" or the failure, and exits 1 on failure.
package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
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

func cosigned(args []string) {
	verifier, err := note.NewVerifier(strings.TrimSpace(string(read(args[1]))))
	if err != nil {
		fail("log key: %v", err)
	}
	n, err := note.Open(read(args[0]), note.VerifierList(verifier))
	if err != nil {
		fail("note: %v", err)
	}
	witness := strings.SplitN(strings.TrimSpace(string(read(args[2]))), "+", 3)
	if len(witness) != 3 {
		fail("witness key: not NAME+HASH+KEY")
	}
	typed, err := base64.StdEncoding.DecodeString(witness[2])
	if err != nil || len(typed) != 1+ed25519.PublicKeySize || typed[0] != 0x04 {
		fail("witness key: not a cosignature/v1 (0x04) Ed25519 key")
	}
	name, public := witness[0], ed25519.PublicKey(typed[1:])
	sum := sha256.Sum256(append([]byte(name+"\n"), typed...))
	id := binary.BigEndian.Uint32(sum[:4])
	if fmt.Sprintf("%08x", id) != witness[1] {
		fail("witness key: its key hash does not match its key")
	}
	for _, sig := range n.UnverifiedSigs {
		if sig.Name != name || sig.Hash != id {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(sig.Base64)
		if err != nil || len(raw) != 4+8+ed25519.SignatureSize {
			fail("cosignature by %s: not a key ID, a timestamp and a signature", name)
		}
		time := binary.BigEndian.Uint64(raw[4:12])
		message := fmt.Sprintf("cosignature/v1\ntime %d\n%s", time, n.Text)
		if !ed25519.Verify(public, []byte(message), raw[12:]) {
			fail("cosignature by %s does not verify", name)
		}
		fmt.Printf("ok cosigned by %s at %d\n", name, time)
		return
	}
	fail("no cosignature by %s", name)
}

func main() {
	if len(os.Args) >= 4 && os.Args[1] == "verify" {
		verify(os.Args[2:])
	} else if len(os.Args) == 5 && os.Args[1] == "cosigned" {
		cosigned(os.Args[2:])
	} else if len(os.Args) == 4 && os.Args[1] == "sign" {
		sign(os.Args[2:])
	} else {
		fail("usage: checkpoint_check verify NOTE KEY [PROOFS] | sign NAME BODY_FILE | " +
			"cosigned NOTE KEY WITNESS_KEY")
	}
}
