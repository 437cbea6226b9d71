#!/usr/bin/python3
"""The corridor_partner package, installed from its wheel alone
(run_with_wheel.sh), against a real corridord with tokens made by the real
corridorctl: the example partner (partner_example.py) submits and completes
a convoy, receives and verifies all four changes from the feed, prints the
access report, and resumes where it left off; and the package's stubs and
helpers (paging, error details, request ids, proofs, checkpoints, health,
reflection) each do what they say.

Usage: partner_client_test.py BIN_DIR PROTO_DIR
"""
import datetime
import glob
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import grpc

import corridor_partner
from corridor.v1 import areas_pb2, audit_pb2, common_pb2, convoys_pb2, incidents_pb2
from corridor_partner import Client, error_details, proofs
from corridor_partner.health import health_pb2
from corridor_partner.reflection import reflection_pb2

BIN, PROTO = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "partner_example.py")


class PartnerClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        port_file = os.path.join(cls.dir.name, "port")
        data = os.path.join(cls.dir.name, "data")
        cls.server = subprocess.Popen(
            [os.path.join(BIN, "corridord"), "--listen=127.0.0.1:0", "--port_file=" + port_file,
             "--data_dir=" + data], stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        def read(path):
            with open(path) as f:
                return f.read().strip()
        while not (os.path.exists(port_file) and read(port_file)):
            if time.time() > deadline or cls.server.poll() is not None:
                raise RuntimeError("corridord did not start")
            time.sleep(0.05)
        cls.address = read(port_file)
        cls.admin_token_file = os.path.join(data, "credentials", "admin.token")
        cls.token = os.path.join(cls.dir.name, "partner.token")
        subprocess.run(
            [os.path.join(BIN, "corridorctl"), "--server=" + cls.address,
             "--token-file=" + cls.admin_token_file,
             "admin", "token", "create", "--role=partner", "--agency=WFP", "--name=wfp-system",
             "--out=" + cls.token], check=True, capture_output=True)
        with open(cls.token) as f:
            cls.partner = Client(cls.address, f.read().strip())
        with open(cls.admin_token_file) as f:
            cls.admin = Client(cls.address, f.read().strip())

    @classmethod
    def tearDownClass(cls):
        cls.partner.close()
        cls.admin.close()
        cls.server.terminate()
        cls.server.wait(timeout=20)
        cls.dir.cleanup()

    def run_client(self, *extra):
        return subprocess.run(
            [sys.executable, CLIENT, "--server=" + self.address, "--token-file=" + self.token,
             "--area=EG-DUMA", *extra], capture_output=True, text=True, timeout=120)

    def test_submits_follows_verifies_and_reports(self):
        result = self.run_client()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        out = result.stdout
        self.assertIn("signed in as wfp-system (ROLE_PARTNER, agency WFP)", out)
        changes = re.findall(r"^change (\d+): (\w+) (cv-[0-9a-f]+) version (\d+) \((\w+)\) by "
                             r"wfp-system: verified against the signed tree head$", out, re.M)
        self.assertEqual([c[1] for c in changes],
                         ["SubmitConvoyRequest", "ApproveConvoy", "DispatchConvoy",
                          "RecordConvoyOutcome"], out)
        indexes = [int(c[0]) for c in changes]
        self.assertEqual(indexes, list(range(indexes[0], indexes[0] + 4)))
        self.assertEqual([int(c[3]) for c in changes], [1, 2, 3, 4])
        # The last version is still stored as it was written; earlier ones
        # may have been superseded by the time the feed sent them.
        self.assertEqual(changes[-1][4], "CURRENT")
        report = re.search(r"^  EG-DUMA\s+.*?\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)$", out, re.M)
        self.assertIsNotNone(report, out)
        # Other tests' convoys go to the same area: at least this one counts.
        self.assertGreaterEqual(int(report.group(3)), 1)     # delivered
        self.assertEqual(int(report.group(4)) % 1150, 0)     # reached, 1,150 per convoy
        self.assertEqual(report.group(5), "0")               # days since: delivered today
        self.assertIn("all 4 changes received in order and verified", out)

    def test_resumes_from_its_saved_position_without_gaps_or_repeats(self):
        position = os.path.join(self.dir.name, "position")
        first = self.run_client("--resume-file=" + position)
        self.assertEqual(first.returncode, 0, first.stdout + first.stderr)
        with open(position) as f:
            saved = int(f.read())
        second = self.run_client("--resume-file=" + position)
        self.assertEqual(second.returncode, 0, second.stdout + second.stderr)
        self.assertIn("following the convoys change feed from position %d" % saved, second.stdout)
        indexes = [int(i) for i in re.findall(r"^change (\d+):", second.stdout, re.M)]
        self.assertEqual(indexes[0], saved)

    def test_the_package_comes_from_the_installed_wheel(self):
        self.assertIn("site-packages", corridor_partner.__file__)

    def test_every_service_of_the_contract_has_a_stub_with_every_method(self):
        import importlib
        found = 0
        for path in sorted(glob.glob(os.path.join(PROTO, "corridor", "v1", "*.proto"))):
            with open(path) as f:
                text = f.read()
            module = importlib.import_module(
                "corridor.v1.%s_pb2_grpc" % os.path.basename(path)[:-len(".proto")])
            for service, body in re.findall(r"^service (\w+) \{(.*?)^\}", text, re.M | re.S):
                stub = getattr(module, service + "Stub")(self.partner.channel)
                for method in re.findall(r"^  rpc (\w+)\(", body, re.M):
                    self.assertTrue(callable(getattr(stub, method, None)), service + "." + method)
                    found += 1
        self.assertGreater(found, 50)

    def test_incidents_keep_each_sources_figures_and_partners_only_read_them(self):
        token = os.path.join(self.dir.name, "coordinator.token")
        subprocess.run(
            [os.path.join(BIN, "corridorctl"), "--server=" + self.address,
             "--token-file=" + self.admin_token_file, "admin", "token", "create",
             "--role=coordinator", "--name=py-coordinator", "--out=" + token],
            check=True, capture_output=True)
        with open(token) as f:
            coordinator = Client(self.address, f.read().strip())
        request = incidents_pb2.RecordIncidentRequest(idempotency_key="py-urum-al-kubra")
        facts = request.facts
        facts.occurred_at.FromJsonString("2016-09-19T00:00:00Z")
        facts.precision = incidents_pb2.TIME_PRECISION_DAY
        facts.location.latitude, facts.location.longitude = 36.1477873, 36.9474545
        facts.place_name = "Urum al-Kubra"
        facts.type = incidents_pb2.INCIDENT_TYPE_ATTACK_ON_CONVOY
        facts.casualties.total.killed, facts.casualties.total.injured = 10, 22
        facts.description = "UN/SARC convoy struck while unloading"
        for citation, killed in (("BOI-S/2016/1093", 10), ("UN-SPOX-30SEP16", 18)):
            source = facts.sources.add()
            source.source.citation = citation
            source.reported.total.killed = killed
        recorded = coordinator.write(coordinator.incidents.RecordIncident, request)
        self.assertTrue(recorded.id.startswith("in-"))
        # A partner reads it, with the figures each source gave; a count not
        # stated is absent, not zero.
        read = self.partner.call(self.partner.incidents.GetIncident,
                                 incidents_pb2.GetIncidentRequest(id=recorded.id))
        self.assertEqual([s.reported.total.killed for s in read.facts.sources], [10, 18])
        self.assertFalse(read.facts.sources[1].reported.total.HasField("injured"))
        self.assertFalse(read.facts.casualties.children.HasField("killed"))
        # ...and may not record one.
        with self.assertRaises(grpc.RpcError) as refused:
            self.partner.call(self.partner.incidents.RecordIncident, request)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        coordinator.close()

    def test_health_and_reflection_answer_through_the_package(self):
        health = self.partner.health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
        self.assertEqual(health.status, health_pb2.HealthCheckResponse.SERVING)
        answers = self.partner.reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10)
        names = {s.name for a in answers for s in a.list_services_response.service}
        self.assertIn("corridor.v1.ConvoyService", names)
        self.assertIn("grpc.health.v1.Health", names)

    def test_pages_follow_every_token_to_the_end(self):
        small = self.partner.list_all(self.partner.areas.ListAreas, areas_pb2.ListAreasRequest(),
                                      "areas", page_size=7)
        whole = self.partner.list_all(self.partner.areas.ListAreas, areas_pb2.ListAreasRequest(),
                                      "areas", page_size=500)
        self.assertGreater(len(whole), 7)
        self.assertEqual([a.id for a in small], [a.id for a in whole])

    def test_error_details_name_the_field_without_reading_the_text(self):
        request = areas_pb2.CreateAreaRequest()
        request.area.id = "PY-BAD"
        request.area.name_en = "Bad latitude"
        request.area.governorate.pcode = "SY03"
        request.area.status = areas_pb2.AREA_STATUS_BESIEGED
        request.area.location.latitude = 95
        request.area.location.longitude = 36
        request.status_source.citation = "partner test"
        with self.assertRaises(grpc.RpcError) as refused:
            self.admin.call(self.admin.areas.CreateArea, request)
        details = error_details(refused.exception)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(details.reason, "INVALID_FIELD")
        self.assertEqual(details.field_violations[0][0], "area.location.latitude")

    def _submit(self, agency="WFP"):
        today = datetime.date.today()
        return self.partner.write(self.partner.convoys.SubmitConvoyRequest,
                                  convoys_pb2.SubmitConvoyRequestRequest(
            agency=agency, area_id="EG-DUMA", beneficiaries_requested=300,
            planned_date=common_pb2.Date(year=today.year, month=today.month, day=today.day),
            idempotency_key=str(uuid.uuid4()),
            manifest=[convoys_pb2.ManifestLine(item="wheat flour", quantity=3, unit="tonnes",
                                               category=convoys_pb2.CARGO_CATEGORY_FOOD)]))

    def test_a_write_repeated_with_its_request_id_is_answered_not_applied_again(self):
        convoy = self._submit()
        approve = convoys_pb2.ApproveConvoyRequest(
            convoy_id=convoy.id, expected_version=convoy.version, beneficiaries_approved=300,
            request_id=corridor_partner.new_request_id())
        first = self.partner.write(self.partner.convoys.ApproveConvoy, approve)
        template = convoys_pb2.DispatchConvoyRequest(convoy_id=convoy.id)
        self.partner.write(self.partner.convoys.DispatchConvoy, template)
        self.assertEqual(template.request_id, "", "write() sends a copy")
        # Without the request id this repeat would be ABORTED (a stale version).
        again = self.partner.call(self.partner.convoys.ApproveConvoy, approve)
        self.assertEqual(again, first)
        approve.beneficiaries_approved = 200
        with self.assertRaises(grpc.RpcError) as reused:
            self.partner.call(self.partner.convoys.ApproveConvoy, approve)
        self.assertEqual(error_details(reused.exception).reason, "REQUEST_ID_REUSED")

    def test_an_import_stream_stores_each_row_once_and_names_refused_lines(self):
        def row(line, key, agency="WFP"):
            return convoys_pb2.ImportConvoyRow(line=line, convoy=convoys_pb2.ImportConvoyRequest(
                submit=convoys_pb2.SubmitConvoyRequestRequest(
                    agency=agency, area_id="EG-DUMA", beneficiaries_requested=300,
                    planned_date=common_pb2.Date(year=2016, month=10, day=19),
                    requested_on=common_pb2.Date(year=2016, month=10, day=1),
                    idempotency_key=key,
                    manifest=[convoys_pb2.ManifestLine(
                        item="wheat flour", quantity=3, unit="tonnes",
                        category=convoys_pb2.CARGO_CATEGORY_FOOD)])))
        key = str(uuid.uuid4())
        rows = [row(2 + n, "%s/%d" % (key, n)) for n in range(7)] + [row(9, key, "UNICEF")]
        answers = list(self.partner.import_rows(self.partner.convoys.ImportConvoys, rows,
                                                convoys_pb2.ImportConvoysRequest,
                                                rows_per_request=3))
        self.assertEqual(len(answers), 3, "one answer per request of 3 rows")
        self.assertEqual(sum(a.rows_stored for a in answers), 7)
        refused = [r for a in answers for r in a.refused]
        self.assertEqual([(r.line, r.field, r.reason) for r in refused],
                         [(9, "submit.agency", "OTHER_AGENCY")])
        again = list(self.partner.import_rows(self.partner.convoys.ImportConvoys, rows[:7],
                                              convoys_pb2.ImportConvoysRequest))
        self.assertEqual([(a.rows_stored, a.rows_already_stored) for a in again], [(0, 7)])

    def test_acting_for_another_agency_is_refused_with_its_own_reason(self):
        with self.assertRaises(grpc.RpcError) as refused:
            self._submit(agency="UNICEF")  # the token acts for WFP
        self.assertEqual(refused.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        details = error_details(refused.exception)
        self.assertEqual(details.reason, "OTHER_AGENCY")
        self.assertEqual(details.metadata.get("field"), "agency")

    def test_checkpoints_and_consistency_proofs_verify_and_forgeries_do_not(self):
        audit = self.admin.audit
        first = self.admin.call(audit.GetTreeHead, audit_pb2.GetTreeHeadRequest(service="convoys"))
        self._submit()
        second = self.admin.call(audit.GetTreeHead, audit_pb2.GetTreeHeadRequest(service="convoys"))
        self.assertTrue(proofs.verify_tree_head_signature(second))
        proof = self.admin.call(audit.GetConsistencyProof, audit_pb2.GetConsistencyProofRequest(
            service="convoys", first_size=first.tree_size, second_size=second.tree_size)).proof
        self.assertTrue(proofs.verify_consistency(first.tree_size, second.tree_size,
                                                  first.root_hash, second.root_hash, proof))
        forged = bytes([first.root_hash[0] ^ 1]) + first.root_hash[1:]
        self.assertFalse(proofs.verify_consistency(first.tree_size, second.tree_size,
                                                   forged, second.root_hash, proof))

        checkpoint = self.admin.call(audit.GetCheckpoint, audit_pb2.GetCheckpointRequest(
            service="convoys", fresh=True))
        origin, size, root = proofs.verify_checkpoint(checkpoint.note, checkpoint.verifier_key)
        self.assertEqual((origin, size, root),
                         (checkpoint.origin, checkpoint.tree_size, checkpoint.root_hash))
        lines = checkpoint.note.split("\n")
        lines[1] = str(size + 1)
        with self.assertRaises(proofs.CheckpointError):
            proofs.verify_checkpoint("\n".join(lines), checkpoint.verifier_key)

    def test_a_signed_note_verifies_whatever_its_key_encodes_to(self):
        # Base64 keys may hold "+", the verifier key's own separator.
        import base64
        import hashlib
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        for _ in range(200):
            private = Ed25519PrivateKey.generate()
            raw = b"\x01" + private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            if "+" in base64.b64encode(raw).decode():
                break
        name = "monitor.example.org/corridor/convoys"
        key_hash = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
        verifier = "%s+%s+%s" % (name, key_hash.hex(), base64.b64encode(raw).decode())
        self.assertIn("+", verifier.split("+", 2)[2])
        text = "%s\n7\n%s\n" % (name, base64.b64encode(b"r" * 32).decode())
        line = "\u2014 %s %s\n" % (name, base64.b64encode(key_hash + private.sign(text.encode())).decode())
        self.assertEqual(proofs.verify_checkpoint(text + "\n" + line, verifier),
                         (name, 7, b"r" * 32))
        with self.assertRaises(proofs.CheckpointError):
            proofs.verify_checkpoint(text.replace("\n7\n", "\n8\n") + "\n" + line, verifier)


if __name__ == "__main__":
    unittest.main()
