#!/usr/bin/python3
"""A partner system in another language: Python (Debian's python3-grpcio)
against a real corridor-areas process, using only the published .proto.

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
from corridor.v1 import areas_pb2  # noqa: E402

SERVICE = "/corridor.v1.AreaService/"


def unary(channel, method, response_type):
    return channel.unary_unary(
        SERVICE + method,
        request_serializer=lambda message: message.SerializeToString(),
        response_deserializer=response_type.FromString)


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
                raise RuntimeError("corridor-areas did not start")
            time.sleep(0.05)
        cls.channel = grpc.insecure_channel(open(port_file).read().strip())

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.server.terminate()
        cls.server.wait(timeout=20)
        cls.dir.cleanup()

    def test_lists_every_reference_area_across_pages(self):
        list_areas = unary(self.channel, "ListAreas", areas_pb2.ListAreasResponse)
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
        create = unary(self.channel, "CreateArea", areas_pb2.Area)
        get = unary(self.channel, "GetArea", areas_pb2.Area)
        request = areas_pb2.CreateAreaRequest()
        request.area.id = "PY-1"
        request.area.name_en = "Python partner town"
        request.area.name_ar = "بلدة الشريك"
        request.area.governorate.pcode = "SY04"
        request.area.status = areas_pb2.AREA_STATUS_HARD_TO_REACH
        request.status_source.citation = "python interop test"
        created = create(request, timeout=10,
                         metadata=[("x-corridor-principal", "python-partner")])
        self.assertEqual(created.version, 1)
        self.assertEqual(created.meta.created_by.name, "python-partner")
        read = get(areas_pb2.GetAreaRequest(id="PY-1"), timeout=10)
        self.assertEqual(read.name_ar, "بلدة الشريك")

    def test_bad_input_names_the_field(self):
        create = unary(self.channel, "CreateArea", areas_pb2.Area)
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

    def test_unknown_area_is_not_found(self):
        get = unary(self.channel, "GetArea", areas_pb2.Area)
        with self.assertRaises(grpc.RpcError) as missing:
            get(areas_pb2.GetAreaRequest(id="PY-NONE"), timeout=10)
        self.assertEqual(missing.exception.code(), grpc.StatusCode.NOT_FOUND)


if __name__ == "__main__":
    unittest.main(verbosity=2)
