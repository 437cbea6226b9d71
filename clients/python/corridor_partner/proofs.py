"""Checks a partner runs on what Corridor answers, needing no trust in it:
RFC 6962 / 9162 Merkle proofs, the Ed25519 signature of a signed tree head
(audit.proto says over which bytes), and C2SP signed-note checkpoints.

Signatures need python3-cryptography; without it the signature checks
raise ImportError rather than pretend.
"""
import base64
import hashlib

__all__ = ["leaf_hash", "node_hash", "verify_inclusion", "verify_consistency",
           "verify_tree_head_signature", "verify_checkpoint", "CheckpointError"]


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(entry_bytes):
    """RFC 6962: the hash of a leaf holding `entry_bytes`."""
    return hashlib.sha256(b"\x00" + entry_bytes).digest()


def verify_inclusion(leaf_index, tree_size, leaf, path, root):
    """RFC 9162 section 2.1.3.2: is the leaf hashing to `leaf` at
    `leaf_index` of the tree of `tree_size` leaves with `root`?"""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first_size, second_size, first_root, second_root, proof):
    """RFC 9162 section 2.1.4.2: does the tree of `second_size` leaves with
    `second_root` extend the one of `first_size` with `first_root`?"""
    if first_size > second_size:
        return False
    if first_size == second_size:
        return not proof and first_root == second_root
    if first_size == 0:
        return not proof
    path = list(proof)
    if first_size & (first_size - 1) == 0:  # a power of two: its root starts the path
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first_size - 1, second_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


def _ed25519(public_key):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    return Ed25519PublicKey.from_public_bytes(public_key)


def _verifies(public_key, signature, message):
    from cryptography.exceptions import InvalidSignature
    try:
        _ed25519(public_key).verify(signature, message)
        return True
    except InvalidSignature:
        return False


def verify_tree_head_signature(head, public_key=None):
    """Checks a SignedTreeHead's Ed25519 signature, by `public_key` (the key
    you pinned) or else by the key the head names."""
    signed = (b"corridor-tree-head-v1\x00" + head.service.encode() + b"\x00" +
              head.tree_size.to_bytes(8, "big") +
              (head.timestamp.seconds * 1_000_000 + head.timestamp.nanos // 1000).to_bytes(8, "big") +
              head.root_hash)
    return _verifies(public_key or head.public_key, head.signature, signed)


class CheckpointError(ValueError):
    """A checkpoint that is malformed or not signed by the pinned key."""


def _key_hash(name, key_bytes):
    return hashlib.sha256(name.encode() + b"\n" + key_bytes).digest()[:4]


def verify_checkpoint(note, verifier_key):
    """Checks a C2SP tlog-checkpoint in a signed note against a pinned
    verifier key "<name>+<hex key hash>+<base64(0x01 || Ed25519 key)>".
    Returns (origin, tree_size, root_hash); raises CheckpointError."""
    try:
        # The name holds no "+"; the base64 key may.
        name, hash_hex, encoded = verifier_key.split("+", 2)
        key_bytes = base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise CheckpointError("the verifier key is not name+hash+key: %s" % error)
    if len(key_bytes) != 33 or key_bytes[0] != 1:
        raise CheckpointError("the verifier key is not an Ed25519 signed-note key")
    if _key_hash(name, key_bytes).hex() != hash_hex:
        raise CheckpointError("the verifier key's hash does not match its name and key")
    text, separator, signatures = note.partition("\n\n")
    if not separator:
        raise CheckpointError("the note has no blank line before its signatures")
    text += "\n"
    lines = text.split("\n")
    if len(lines) < 4:
        raise CheckpointError("a checkpoint needs an origin, a size and a root hash")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise CheckpointError("the tree size %r is not a decimal number" % size)
    try:
        root_hash = base64.b64decode(root, validate=True)
    except ValueError:
        raise CheckpointError("the root hash is not base64")
    for line in signatures.split("\n"):
        if not line.startswith("\u2014 "):
            continue
        signer, _, blob = line[2:].partition(" ")
        try:
            signature = base64.b64decode(blob, validate=True)
        except ValueError:
            continue
        if signer != name or signature[:4] != _key_hash(name, key_bytes):
            continue
        if _verifies(key_bytes[1:], signature[4:], text.encode()):
            return origin, int(size), root_hash
        raise CheckpointError("the signature by %s does not verify" % name)
    raise CheckpointError("the note carries no signature by %s" % name)
