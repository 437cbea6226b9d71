#!/usr/bin/python3
"""An example partner integration: what an agency's own system does with
Corridor, needing nothing but the published .proto files and a token.

It generates its gRPC stubs from proto/ (protoc and gRPC's Python plugin),
then:
  1. follows the convoys service's change feed (WatchChanges);
  2. submits a convoy request for its agency, and records its approval,
     dispatch and delivery;
  3. receives each of those changes from the feed, checks that each record
     matches its journal entry and that each entry is in the service's
     signed tree head (an RFC 6962 inclusion proof);
  4. prints the access report for the convoy's area.

Usage:
  corridor_partner.py --server=127.0.0.1:7400 --token-file=partner.token \
      [--area=ALP-EAST] [--proto-dir=proto] [--resume-file=position]

The token's role must be partner (or coordinator); a partner's token names
its agency, and Corridor refuses convoys of any other agency. With
--resume-file the position in the feed is kept between runs, so that a
restarted integration receives every change it missed, once.
Exit code 0 when every change was received and verified, 1 otherwise.
"""
import argparse
import datetime
import hashlib
import importlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def generate_stubs(proto_dir):
    """Compiles proto/corridor/v1/*.proto into Python modules; returns them.

    Uses protoc with gRPC's Python plugin (Debian: protobuf-compiler and
    protobuf-compiler-grpc) when both are installed, else grpcio-tools. The
    protoc inside Debian 12's python3-grpc-tools is 3.5.1, older than
    proto3's `optional` fields, so on Debian the first is the one that works.
    """
    out = tempfile.mkdtemp(prefix="corridor-stubs-")
    files = sorted(os.path.join("corridor", "v1", name)
                   for name in os.listdir(os.path.join(proto_dir, "corridor", "v1"))
                   if name.endswith(".proto"))
    protoc, plugin = shutil.which("protoc"), shutil.which("grpc_python_plugin")
    if protoc and plugin:
        result = subprocess.run(
            [protoc, "-I" + proto_dir, "--python_out=" + out, "--grpc_python_out=" + out,
             "--plugin=protoc-gen-grpc_python=" + plugin] + files,
            capture_output=True, text=True)
        failed, message = result.returncode != 0, result.stderr
    else:
        from grpc_tools import protoc as tools
        include = os.path.join(os.path.dirname(tools.__file__), "_proto")
        failed = tools.main(["protoc", "-I" + proto_dir, "-I" + include, "--python_out=" + out,
                             "--grpc_python_out=" + out] + files) != 0
        message = ""
    if failed:
        sys.exit("corridor_partner: could not compile the .proto files in %s: %s" %
                 (proto_dir, message.strip()))
    sys.path.insert(0, out)
    names = ["common", "areas", "routes", "convoys", "denials", "audit", "auth"]
    return ({name: importlib.import_module("corridor.v1.%s_pb2" % name) for name in names},
            {name: importlib.import_module("corridor.v1.%s_pb2_grpc" % name) for name in names})


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(entry_bytes):
    """RFC 6962: the hash of a leaf holding `entry_bytes`."""
    return hashlib.sha256(b"\x00" + entry_bytes).digest()


def verify_inclusion(leaf_index, tree_size, leaf_hash_, path, root):
    """RFC 9162 section 2.1.3.2: is the leaf hashing to `leaf_hash_` at
    `leaf_index` of the tree with `root`?"""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash_
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


def verify_signature(head):
    """Checks the tree head's Ed25519 signature (audit.proto says over what)."""
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return None  # python3-cryptography is not installed: say so, don't pretend
    signed = (b"corridor-tree-head-v1\x00" + head.service.encode() + b"\x00" +
              head.tree_size.to_bytes(8, "big") +
              (head.timestamp.seconds * 1_000_000 + head.timestamp.nanos // 1000).to_bytes(8, "big") +
              head.root_hash)
    try:
        Ed25519PublicKey.from_public_bytes(head.public_key).verify(head.signature, signed)
        return True
    except Exception:  # noqa: BLE001 - any failure is a bad signature
        return False


class Partner:
    def __init__(self, server, token, pb, rpc):
        import grpc
        self.pb, self.rpc, self.grpc = pb, rpc, grpc
        self.channel = grpc.insecure_channel(server)
        self.metadata = [("authorization", "Bearer " + token)]
        self.tokens = rpc["auth"].TokenServiceStub(self.channel)
        self.convoys = rpc["convoys"].ConvoyServiceStub(self.channel)
        self.audit = rpc["audit"].AuditServiceStub(self.channel)

    def call(self, method, request):
        return method(request, timeout=30, metadata=self.metadata)

    def follow(self, start, changes, ready):
        """Puts every change of the convoys service from `start` on into `changes`."""
        request = self.pb["audit"].WatchChangesRequest(service="convoys", start=start)
        self.stream = self.audit.WatchChanges(request, metadata=self.metadata)
        try:
            self.stream.initial_metadata()
            ready.set()
            for change in self.stream:
                changes.put(change)
        except self.grpc.RpcError as error:
            if error.code() != self.grpc.StatusCode.CANCELLED:
                changes.put(error)
        ready.set()

    def verify(self, change):
        """Checks a change's records against its entry, and the entry against
        a signed tree head. Returns a list of problems (empty: verified, or,
        for an entry whose bytes are withheld from this role, proven to be in
        the tree without its content being checked)."""
        problems = []
        # The records are checked against the entry as hashed, never against
        # the parsed copy beside it, which nothing proves.
        entry = change.entry
        if change.entry_bytes:
            entry = self.pb["audit"].JournalEntry.FromString(change.entry_bytes)
        for written, record in zip(entry.changes, change.records):
            if record.state == self.pb["audit"].ChangedRecord.CURRENT and \
                    hashlib.sha256(record.record.value).digest() != written.record_sha256:
                problems.append("record %s does not match its journal entry" % record.description)
        # A partner receives the entry's bytes when it may see all of its
        # principal (its own agency's writes); otherwise the entry comes
        # redacted, and only its leaf hash proves it is in the tree.
        if change.entry_bytes:
            leaf = leaf_hash(change.entry_bytes)
            if change.leaf_hash and change.leaf_hash != leaf:
                problems.append("entry %d does not match its leaf hash" % change.index)
        else:
            leaf = change.leaf_hash
        head = self.call(self.audit.GetTreeHead, self.pb["audit"].GetTreeHeadRequest(service="convoys"))
        proof = self.call(self.audit.GetInclusionProof, self.pb["audit"].GetInclusionProofRequest(
            service="convoys", leaf_index=change.index, tree_size=head.tree_size))
        if not verify_inclusion(change.index, head.tree_size, leaf,
                                list(proof.audit_path), head.root_hash):
            problems.append("entry %d is not in the signed tree head" % change.index)
        if verify_signature(head) is False:
            problems.append("the tree head's signature is wrong")
        return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="127.0.0.1:7400")
    parser.add_argument("--token-file", default=os.environ.get("CORRIDOR_TOKEN_FILE", ""))
    parser.add_argument("--proto-dir", default=os.path.join(HERE, "..", "..", "proto"))
    parser.add_argument("--area", default="ALP-EAST", help="area the convoy goes to")
    parser.add_argument("--resume-file", default="",
                        help="keeps the feed position between runs")
    args = parser.parse_args()
    if not args.token_file:
        sys.exit("corridor_partner: give --token-file (a partner token from "
                 "`corridorctl admin token create --role=partner --agency=...`)")
    with open(args.token_file) as f:
        token = f.read().strip()

    pb, rpc = generate_stubs(os.path.abspath(args.proto_dir))
    partner = Partner(args.server, token, pb, rpc)
    me = partner.call(partner.tokens.WhoAmI, pb["auth"].WhoAmIRequest())
    agency = me.agency or "python-partner"
    print("signed in as %s (%s, agency %s)" % (me.name, pb["common"].Role.Name(me.role), agency))

    start = 0
    if args.resume_file and os.path.exists(args.resume_file):
        start = int(open(args.resume_file).read().strip() or 0)
    else:
        start = partner.call(partner.audit.GetTreeHead,
                             pb["audit"].GetTreeHeadRequest(service="convoys")).tree_size
    changes, ready = queue.Queue(), threading.Event()
    threading.Thread(target=partner.follow, args=(start, changes, ready), daemon=True).start()
    ready.wait(timeout=10)
    print("following the convoys change feed from position %d" % start)

    convoys_pb = pb["convoys"]
    today = datetime.date.today()
    date = pb["common"].Date(year=today.year, month=today.month, day=today.day)
    convoy = partner.call(partner.convoys.SubmitConvoyRequest, convoys_pb.SubmitConvoyRequestRequest(
        agency=agency, area_id=args.area, planned_date=date, beneficiaries_requested=1200,
        idempotency_key=str(uuid.uuid4()),
        manifest=[convoys_pb.ManifestLine(item="wheat flour", category=convoys_pb.CARGO_CATEGORY_FOOD,
                                          quantity=12, unit="tonnes")]))
    print("submitted %s to %s" % (convoy.id, args.area))
    convoy = partner.call(partner.convoys.ApproveConvoy, convoys_pb.ApproveConvoyRequest(
        convoy_id=convoy.id, expected_version=convoy.version, beneficiaries_approved=1200))
    convoy = partner.call(partner.convoys.DispatchConvoy, convoys_pb.DispatchConvoyRequest(
        convoy_id=convoy.id, expected_version=convoy.version))
    convoy = partner.call(partner.convoys.RecordConvoyOutcome, convoys_pb.RecordConvoyOutcomeRequest(
        convoy_id=convoy.id, expected_version=convoy.version,
        outcome=convoys_pb.CONVOY_STATUS_DELIVERED, beneficiaries_reached=1150))
    print("recorded approval, dispatch and delivery: %s is %s" %
          (convoy.id, convoys_pb.ConvoyStatus.Name(convoy.status)))

    seen, failures, position = 0, 0, start
    while seen < 4:
        try:
            change = changes.get(timeout=20)
        except queue.Empty:
            print("the change feed went quiet before all four changes arrived")
            return 1
        if isinstance(change, Exception):
            print("the change feed failed: %s" % change)
            return 1
        if change.index != position:
            print("gap or repeat in the feed: expected %d, got %d" % (position, change.index))
            return 1
        position = change.index + 1
        if args.resume_file:
            with open(args.resume_file, "w") as f:
                f.write(str(position))
        mine = [r for r in change.records if r.table == "convoys" and r.description == convoy.id]
        if not mine:
            continue
        seen += 1
        problems = partner.verify(change)
        failures += bool(problems)
        record = convoys_pb.Convoy()
        state = pb["audit"].ChangedRecord.State.Name(mine[0].state)
        if mine[0].state == pb["audit"].ChangedRecord.CURRENT:
            mine[0].record.Unpack(record)
        print("change %d: %s %s version %d (%s) by %s: %s" % (
            change.index, change.entry.rpc.rsplit("/", 1)[-1], convoy.id, mine[0].version, state,
            change.entry.principal.name or "(withheld)",
            "; ".join(problems) or (
                "verified against the signed tree head" if change.entry_bytes else
                "in the signed tree head; its content is withheld from your role, so only an "
                "oversight body can check it")))
    partner.stream.cancel()

    report = partner.call(partner.convoys.GetAccessReport, convoys_pb.GetAccessReportRequest(
        to=date, area_ids=[args.area], **{"from": pb["common"].Date(year=today.year, month=1, day=1)}))
    print("access report %d-01-01 to %s:" % (today.year, today.isoformat()))
    print("  %-12s %-24s %9s %9s %9s %10s %6s" % ("area", "name", "requests", "approved",
                                                 "delivered", "reached", "days"))
    for area in report.areas:
        days = str(area.days_since_last_delivery) if area.HasField("days_since_last_delivery") else "never"
        print("  %-12s %-24s %9d %9d %9d %10d %6s" % (
            area.area_id, area.area_name[:24], area.requests, area.approved, area.delivered,
            area.beneficiaries_reached, days))
    if failures:
        print("%d changes failed verification" % failures)
        return 1
    print("all %d changes received in order and verified" % seen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
