#!/usr/bin/python3
"""A partner system in another language: Python (Debian's python3-grpcio)
against a real corridord process, using only the published .proto and
bearer tokens (the first admin token, and the tokens it creates).

Usage: python_client_test.py SERVER_BINARY GENERATED_PYTHON_DIR
"""
import os
import subprocess
import sys
import tempfile
import time
import unittest

SERVER_BINARY = sys.argv[1]
sys.path.insert(0, sys.argv[2])
del sys.argv[1:3]

import grpc  # noqa: E402
import hashlib  # noqa: E402

from corridor.v1 import areas_pb2  # noqa: E402
from corridor.v1 import audit_pb2  # noqa: E402
from corridor.v1 import auth_pb2  # noqa: E402
from corridor.v1 import common_pb2  # noqa: E402
from corridor.v1 import convoys_pb2  # noqa: E402
from corridor.v1 import denials_pb2  # noqa: E402
from corridor.v1 import routes_pb2  # noqa: E402

from google.rpc import error_details_pb2  # noqa: E402
from google.rpc import status_pb2  # noqa: E402

SERVICE = "/corridor.v1.AreaService/"


def rich_status(error):
    """The google.rpc.Status a failed call carries in its trailing metadata."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            return status_pb2.Status.FromString(value)
    raise AssertionError("the error carries no google.rpc.Status details")


def unary(channel, method, response_type, token, service=SERVICE):
    """A unary call that sends `token` as its bearer token (none if empty)."""
    call = channel.unary_unary(
        service + method,
        request_serializer=lambda message: message.SerializeToString(),
        response_deserializer=response_type.FromString)

    def signed(request, timeout, metadata=()):
        if token:
            metadata = list(metadata) + [("authorization", "Bearer " + token)]
        return call(request, timeout=timeout, metadata=metadata)
    return signed


class PythonPartnerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        port_file = os.path.join(cls.dir.name, "port")
        cls.server = subprocess.Popen(
            [SERVER_BINARY, "--listen=127.0.0.1:0", "--port_file=" + port_file,
             "--data_dir=" + os.path.join(cls.dir.name, "data")],
            stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or cls.server.poll() is not None:
                raise RuntimeError("corridord did not start")
            time.sleep(0.05)
        cls.channel = grpc.insecure_channel(open(port_file).read().strip())
        with open(os.path.join(cls.dir.name, "data", "credentials", "admin.token")) as f:
            cls.admin = f.read().strip()
        create = unary(cls.channel, "CreateToken", auth_pb2.CreateTokenResponse, cls.admin,
                       "/corridor.v1.TokenService/")
        cls.coordinator, cls.oversight = (
            create(auth_pb2.CreateTokenRequest(role=role, name="python-" + name),
                   timeout=10).token
            for role, name in ((common_pb2.ROLE_COORDINATOR, "coordinator"),
                               (common_pb2.ROLE_OVERSIGHT, "oversight")))

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.server.terminate()
        cls.server.wait(timeout=20)
        cls.dir.cleanup()

    def test_lists_every_reference_area_across_pages(self):
        list_areas = unary(self.channel, "ListAreas", areas_pb2.ListAreasResponse,
                           self.oversight)
        request = areas_pb2.ListAreasRequest()
        request.page.page_size = 20
        ids = []
        while True:
            response = list_areas(request, timeout=10)
            ids += [area.id for area in response.areas]
            if not response.next_page_token:
                break
            request.page.page_token = response.next_page_token
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len([i for i in ids if not i.startswith("PY-")]), 51)
        self.assertIn("EG-DUMA", ids)

    def test_arabic_name_round_trips(self):
        create = unary(self.channel, "CreateArea", areas_pb2.Area, self.admin)
        get = unary(self.channel, "GetArea", areas_pb2.Area, self.coordinator)
        request = areas_pb2.CreateAreaRequest()
        request.area.id = "PY-1"
        request.area.name_en = "Python partner town"
        request.area.name_ar = "بلدة الشريك"
        request.area.governorate.pcode = "SY04"
        request.area.status = areas_pb2.AREA_STATUS_HARD_TO_REACH
        request.status_source.citation = "python interop test"
        # A name the client declares is ignored: the token says who it is.
        created = create(request, timeout=10,
                         metadata=[("x-corridor-principal", "someone-else")])
        self.assertEqual(created.version, 1)
        self.assertEqual(created.meta.created_by.name, "first-admin")
        self.assertTrue(created.meta.created_by.authenticated)
        self.assertEqual(created.meta.created_by.role, common_pb2.ROLE_ADMIN)
        read = get(areas_pb2.GetAreaRequest(id="PY-1"), timeout=10)
        self.assertEqual(read.name_ar, "بلدة الشريك")

    def test_without_a_token_nothing_is_served(self):
        get = unary(self.channel, "GetArea", areas_pb2.Area, "")
        with self.assertRaises(grpc.RpcError) as refused:
            get(areas_pb2.GetAreaRequest(id="EG-DUMA"), timeout=10)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        self.assertIn("bearer token", refused.exception.details())

    def test_oversight_reads_but_may_not_write(self):
        record = unary(self.channel, "RecordDenial", denials_pb2.Denial, self.oversight,
                       "/corridor.v1.DenialService/")
        request = denials_pb2.RecordDenialRequest(idempotency_key="py-oversight")
        with self.assertRaises(grpc.RpcError) as refused:
            record(request, timeout=10)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        self.assertIn("oversight", refused.exception.details())

    def test_bad_input_names_the_field(self):
        create = unary(self.channel, "CreateArea", areas_pb2.Area, self.admin)
        request = areas_pb2.CreateAreaRequest()
        request.area.id = "PY-BAD"
        request.area.name_en = "Bad"
        request.area.governorate.pcode = "SY03"
        request.area.status = areas_pb2.AREA_STATUS_BESIEGED
        request.area.location.latitude = 123.0
        request.status_source.citation = "x"
        with self.assertRaises(grpc.RpcError) as refused:
            create(request, timeout=10)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(refused.exception.details().startswith("area.location.latitude: "))
        # The rich error model: the field as data, not text to parse.
        rich = rich_status(refused.exception)
        self.assertEqual(rich.code, grpc.StatusCode.INVALID_ARGUMENT.value[0])
        info = error_details_pb2.ErrorInfo()
        bad_request = error_details_pb2.BadRequest()
        self.assertTrue(rich.details[0].Unpack(info))
        self.assertEqual((info.reason, info.domain), ("INVALID_FIELD", "corridor.v1"))
        self.assertEqual(info.metadata["field"], "area.location.latitude")
        self.assertTrue(rich.details[1].Unpack(bad_request))
        self.assertEqual(bad_request.field_violations[0].field, "area.location.latitude")
        self.assertFalse(bad_request.field_violations[0].description.startswith("area."))

    def test_unknown_area_is_not_found(self):
        get = unary(self.channel, "GetArea", areas_pb2.Area, self.coordinator)
        with self.assertRaises(grpc.RpcError) as missing:
            get(areas_pb2.GetAreaRequest(id="PY-NONE"), timeout=10)
        self.assertEqual(missing.exception.code(), grpc.StatusCode.NOT_FOUND)
        rich = rich_status(missing.exception)
        resource = error_details_pb2.ResourceInfo()
        self.assertTrue(rich.details[1].Unpack(resource))
        self.assertEqual(resource.resource_type, "area")

    def test_follows_road_reports_from_a_position(self):
        routes = "/corridor.v1.RouteService/"
        report = unary(self.channel, "ReportRouteStatus",
                       routes_pb2.ReportRouteStatusResponse, self.coordinator, routes)
        filed = []
        for status in (routes_pb2.ROUTE_STATUS_CLOSED, routes_pb2.ROUTE_STATUS_OPEN):
            request = routes_pb2.ReportRouteStatusRequest(route_id="castello-road",
                                                          status=status)
            request.observed_at.GetCurrentTime()
            request.source.citation = "python partner"
            filed.append(report(request, timeout=10).report.position)
        watch = self.channel.unary_stream(
            routes + "WatchRouteStatus",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=routes_pb2.RouteStatusEvent.FromString)
        stream = watch(routes_pb2.WatchRouteStatusRequest(
            after_position=filed[0] - 1, route_ids=["castello-road"]), timeout=10,
            metadata=[("authorization", "Bearer " + self.oversight)])
        seen = []
        for event in stream:
            seen.append((event.report.position, event.report.status))
            if len(seen) == 2:
                stream.cancel()
                break
        self.assertEqual(seen, [(filed[0], routes_pb2.ROUTE_STATUS_CLOSED),
                                (filed[1], routes_pb2.ROUTE_STATUS_OPEN)])

    def test_a_retried_convoy_submit_creates_one_convoy(self):
        submit = unary(self.channel, "SubmitConvoyRequest", convoys_pb2.Convoy,
                       self.coordinator, "/corridor.v1.ConvoyService/")
        request = convoys_pb2.SubmitConvoyRequestRequest(
            agency="Python NGO", area_id="RD-MADAYA", beneficiaries_requested=4000,
            idempotency_key="py-retry-1")
        request.planned_date.year, request.planned_date.month, request.planned_date.day = (
            2016, 1, 11)
        request.requested_on.year, request.requested_on.month, request.requested_on.day = (
            2016, 1, 4)
        line = request.manifest.add()
        line.item, line.quantity, line.unit = "high-energy biscuits", 10, "tonnes"
        line.category = convoys_pb2.CARGO_CATEGORY_FOOD
        first = submit(request, timeout=10)
        second = submit(request, timeout=10)
        self.assertEqual(first.id, second.id)
        self.assertEqual(second.status, convoys_pb2.CONVOY_STATUS_REQUESTED)
        self.assertEqual(second.version, 1)

    def test_records_a_denial_once_and_finds_it_in_the_stats(self):
        service = "/corridor.v1.DenialService/"
        record = unary(self.channel, "RecordDenial", denials_pb2.Denial, self.coordinator,
                       service)
        stats = unary(self.channel, "DenialStats", denials_pb2.DenialStatsResponse,
                      self.oversight, service)
        request = denials_pb2.RecordDenialRequest(idempotency_key="py-denial-1")
        facts = request.facts
        facts.party, facts.area_id = "Hezbollah fighting alongside Syrian Government", "RD-MADAYA"
        facts.category = common_pb2.ACCESS_CONSTRAINT_INTERFERENCE
        facts.occurred_at.FromJsonString("2016-01-05T09:00:00Z")
        facts.description, facts.source.citation = "trucks searched for hours", "MSF"
        facts.people_affected = 40000
        first = record(request, timeout=10)
        second = record(request, timeout=10)
        self.assertEqual(first.id, second.id)
        self.assertTrue(first.id.startswith("dn-"))
        query = denials_pb2.DenialStatsRequest(
            group_by=denials_pb2.STATS_DIMENSION_CATEGORY, party="Hezbollah")
        period_start = getattr(query, "from")  # "from" is a Python keyword
        period_start.year, period_start.month = 2016, 1
        query.to.year, query.to.month = 2016, 1
        answer = stats(query, timeout=10)
        self.assertEqual(answer.total.denials, 1)
        self.assertEqual(answer.total.people_affected, 40000)
        self.assertEqual(answer.rows[0].category, common_pb2.ACCESS_CONSTRAINT_INTERFERENCE)

    def test_checks_an_inclusion_proof_independently(self):
        """An auditor's own RFC 6962 code (RFC 9162 section 2.1.3.2)."""
        audit = "/corridor.v1.AuditService/"
        head = unary(self.channel, "GetTreeHead", audit_pb2.SignedTreeHead, self.oversight,
                     audit)(
            audit_pb2.GetTreeHeadRequest(service="areas"), timeout=10)
        self.assertGreater(head.tree_size, 0)
        leaf = head.tree_size // 2
        entries = unary(self.channel, "GetEntries", audit_pb2.GetEntriesResponse,
                        self.oversight, audit)(
            audit_pb2.GetEntriesRequest(service="areas", start=leaf, end=leaf + 1), timeout=10)
        entry = audit_pb2.JournalEntry.FromString(entries.entries[0])
        self.assertEqual(entry.index, leaf)
        proof = unary(self.channel, "GetInclusionProof", audit_pb2.InclusionProof,
                      self.oversight, audit)(
            audit_pb2.GetInclusionProofRequest(service="areas", leaf_index=leaf,
                                               tree_size=head.tree_size), timeout=10)

        def node(left, right):
            return hashlib.sha256(b"\x01" + left + right).digest()

        fn, sn = leaf, head.tree_size - 1
        r = hashlib.sha256(b"\x00" + entries.entries[0]).digest()
        for p in proof.audit_path:
            if fn & 1 or fn == sn:
                r = node(p, r)
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
            else:
                r = node(r, p)
            fn >>= 1
            sn >>= 1
        self.assertEqual(sn, 0)
        self.assertEqual(r, head.root_hash)


if __name__ == "__main__":
    unittest.main(verbosity=2)
