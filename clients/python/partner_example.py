#!/usr/bin/python3
"""An example partner integration: what an agency's own system does with
Corridor, needing nothing but the published .proto files and a token.

It uses the corridor_partner package (scripts/build_python_client.sh builds
its wheel; `pip install corridor_partner-*.whl`), then:
  1. follows the convoys service's change feed (WatchChanges);
  2. submits a convoy request for its agency, and records its approval,
     dispatch and delivery;
  3. receives each of those changes from the feed, checks that each record
     matches its journal entry and that each entry is in the service's
     signed tree head (an RFC 6962 inclusion proof);
  4. prints the access report for the convoy's area.

Usage:
  partner_example.py --server=127.0.0.1:7400 --token-file=partner.token \
      [--area=ALP-EAST] [--resume-file=position]

The token's role must be partner (or coordinator); a partner's token names
its agency, and Corridor refuses convoys of any other agency. With
--resume-file the position in the feed is kept between runs, so that a
restarted integration receives every change it missed, once.
Exit code 0 when every change was received and verified, 1 otherwise.
"""
import argparse
import datetime
import hashlib
import os
import queue
import sys
import threading
import uuid

try:
    import grpc
    from corridor.v1 import audit_pb2, auth_pb2, common_pb2, convoys_pb2
    from corridor_partner import Client, proofs
except ImportError as missing:
    sys.exit("partner_example: %s. Install the client package first: "
             "scripts/build_python_client.sh, then pip install build/python/"
             "corridor_partner-*.whl" % missing)


class Partner:
    def __init__(self, server, token):
        self.client = Client(server, token)
        self.convoys, self.audit = self.client.convoys, self.client.audit

    def call(self, method, request):
        return self.client.call(method, request)

    def write(self, method, request):
        """A write with a request id, sent again if its answer is lost."""
        return self.client.write(method, request)

    def follow(self, start, changes):
        """Puts every change of the convoys service from `start` on into
        `changes`; a dropped stream is resumed from where it stopped."""
        try:
            for change in self.client.follow_changes("convoys", start):
                changes.put(change)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.CANCELLED:
                changes.put(error)

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
            entry = audit_pb2.JournalEntry.FromString(change.entry_bytes)
        for written, record in zip(entry.changes, change.records):
            if record.state == audit_pb2.ChangedRecord.CURRENT and \
                    hashlib.sha256(record.record.value).digest() != written.record_sha256:
                problems.append("record %s does not match its journal entry" % record.description)
        # A partner receives the entry's bytes when it may see all of its
        # principal (its own agency's writes); otherwise the entry comes
        # redacted, and only its leaf hash proves it is in the tree.
        if change.entry_bytes:
            leaf = proofs.leaf_hash(change.entry_bytes)
            if change.leaf_hash and change.leaf_hash != leaf:
                problems.append("entry %d does not match its leaf hash" % change.index)
        else:
            leaf = change.leaf_hash
        head = self.call(self.audit.GetTreeHead, audit_pb2.GetTreeHeadRequest(service="convoys"))
        proof = self.call(self.audit.GetInclusionProof, audit_pb2.GetInclusionProofRequest(
            service="convoys", leaf_index=change.index, tree_size=head.tree_size))
        if not proofs.verify_inclusion(change.index, head.tree_size, leaf,
                                       list(proof.audit_path), head.root_hash):
            problems.append("entry %d is not in the signed tree head" % change.index)
        if not proofs.verify_tree_head_signature(head):
            problems.append("the tree head's signature is wrong")
        return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="127.0.0.1:7400")
    parser.add_argument("--token-file", default=os.environ.get("CORRIDOR_TOKEN_FILE", ""))
    parser.add_argument("--area", default="ALP-EAST", help="area the convoy goes to")
    parser.add_argument("--resume-file", default="",
                        help="keeps the feed position between runs")
    args = parser.parse_args()
    if not args.token_file:
        sys.exit("partner_example: give --token-file (a partner token from "
                 "`corridorctl admin token create --role=partner --agency=...`)")
    with open(args.token_file) as f:
        token = f.read().strip()

    partner = Partner(args.server, token)
    me = partner.call(partner.client.auth.WhoAmI, auth_pb2.WhoAmIRequest())
    agency = me.agency or "python-partner"
    print("signed in as %s (%s, agency %s)" % (me.name, common_pb2.Role.Name(me.role), agency))

    start = 0
    if args.resume_file and os.path.exists(args.resume_file):
        start = int(open(args.resume_file).read().strip() or 0)
    else:
        start = partner.call(partner.audit.GetTreeHead,
                             audit_pb2.GetTreeHeadRequest(service="convoys")).tree_size
    changes = queue.Queue()
    threading.Thread(target=partner.follow, args=(start, changes), daemon=True).start()
    print("following the convoys change feed from position %d" % start)

    today = datetime.date.today()
    date = common_pb2.Date(year=today.year, month=today.month, day=today.day)
    convoy = partner.call(partner.convoys.SubmitConvoyRequest, convoys_pb2.SubmitConvoyRequestRequest(
        agency=agency, area_id=args.area, planned_date=date, beneficiaries_requested=1200,
        idempotency_key=str(uuid.uuid4()),
        manifest=[convoys_pb2.ManifestLine(item="wheat flour", category=convoys_pb2.CARGO_CATEGORY_FOOD,
                                          quantity=12, unit="tonnes")]))
    print("submitted %s to %s" % (convoy.id, args.area))
    # Each step carries a request id (Client.write): a step whose answer is
    # lost is sent again and still applied once.
    convoy = partner.write(partner.convoys.ApproveConvoy, convoys_pb2.ApproveConvoyRequest(
        convoy_id=convoy.id, expected_version=convoy.version, beneficiaries_approved=1200))
    convoy = partner.write(partner.convoys.DispatchConvoy, convoys_pb2.DispatchConvoyRequest(
        convoy_id=convoy.id, expected_version=convoy.version))
    convoy = partner.write(partner.convoys.RecordConvoyOutcome, convoys_pb2.RecordConvoyOutcomeRequest(
        convoy_id=convoy.id, expected_version=convoy.version,
        outcome=convoys_pb2.CONVOY_STATUS_DELIVERED, beneficiaries_reached=1150))
    print("recorded approval, dispatch and delivery: %s is %s" %
          (convoy.id, convoys_pb2.ConvoyStatus.Name(convoy.status)))

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
        record = convoys_pb2.Convoy()
        state = audit_pb2.ChangedRecord.State.Name(mine[0].state)
        if mine[0].state == audit_pb2.ChangedRecord.CURRENT:
            mine[0].record.Unpack(record)
        print("change %d: %s %s version %d (%s) by %s: %s" % (
            change.index, change.entry.rpc.rsplit("/", 1)[-1], convoy.id, mine[0].version, state,
            change.entry.principal.name or "(withheld)",
            "; ".join(problems) or (
                "verified against the signed tree head" if change.entry_bytes else
                "in the signed tree head; its content is withheld from your role, so only an "
                "oversight body can check it")))

    report = partner.call(partner.convoys.GetAccessReport, convoys_pb2.GetAccessReportRequest(
        to=date, area_ids=[args.area], **{"from": common_pb2.Date(year=today.year, month=1, day=1)}))
    print("access report %d-01-01 to %s:" % (today.year, today.isoformat()))
    print("  %-12s %-24s %9s %9s %9s %10s %6s" % ("area", "name", "requests", "approved",
                                                 "delivered", "reached", "days"))
    for area in report.areas:
        days = str(area.days_since_last_delivery) if area.HasField("days_since_last_delivery") else "never"
        print("  %-12s %-24s %9d %9d %9d %10d %6s" % (
            area.area_id, area.area_name[:24], area.requests, area.approved, area.delivered,
            area.beneficiaries_reached, days))
    partner.client.close()  # ends the feed's stream too
    if failures:
        print("%d changes failed verification" % failures)
        return 1
    print("all %d changes received in order and verified" % seen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
