#!/usr/bin/python3
"""Writes the seed inputs of tests/fuzz/corpus/ (valid examples for each
target to start from). Inputs saved from crashes sit beside them and are
never overwritten. Run from the repository after a build:
  /usr/bin/python3 tests/fuzz/make_seeds.py build/gen_python
"""
import os
import struct
import sys

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "build/gen_python")
from corridor.v1 import agreements_pb2, areas_pb2, convoys_pb2, denials_pb2, routes_pb2  # noqa: E402

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def save(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def string(s):
    b = s.encode()
    return bytes([len(b)]) + b


# key_codec: two strings, four numbers, the kinds to decode, then bytes.
save("key_codec", "simple", string("EG-DUMA") + string("EG-ARBIN") + struct.pack(">QQqq", 1, 2, -5, 7)
     + string("\x00\x01\x02\x03") + b"\x00\x01EG\x00\x01")
save("key_codec", "zeros", string("a\x00b") + string("a") + struct.pack(">QQqq", 0, 0, 0, 0)
     + string("\x00\x00") + b"a\x00\xff\x00\x01")

# page_token: fingerprint, key, where to damage, then arbitrary text.
save("page_token", "simple", struct.pack(">Q", 42) + string("\x00\x01areas\x00\x01EG-DUMA") + b"\x03\x01"
     + b"not-a-token")

# audit_proof: leaves, seed, tree size, leaf, first, flip, where.
save("audit_proof", "seven", bytes([7]) + string("journal") + bytes([6, 3, 2, 1, 0]))
save("audit_proof", "large", bytes([199]) + string("denials") + bytes([150, 77, 64, 0x80, 31]))

# write_requests: the RPC's number (the order of write_requests_fuzz.cc),
# then a request as a client would send it.
def date(message, y, m, d):
    message.year, message.month, message.day = y, m, d

area = areas_pb2.CreateAreaRequest()
area.area.id = "EG-TEST"
area.area.name_en = "Test area"
save("write_requests", "create_area", bytes([0]) + area.SerializeToString())

report = routes_pb2.ReportRouteStatusRequest(route_id="castello-road", status=3, note="closed")
report.observed_at.seconds = 1468800000
report.source.citation = "SW4-TSI"
save("write_requests", "report_route", bytes([4]) + report.SerializeToString())

submit = convoys_pb2.SubmitConvoyRequestRequest(agency="WFP", area_id="EG-DUMA",
                                                beneficiaries_requested=2500, idempotency_key="k-1")
date(submit.planned_date, 2016, 10, 19)
line = submit.manifest.add()
line.item, line.category, line.quantity, line.unit = "wheat flour", 1, 20, "tonnes"
save("write_requests", "submit_convoy", bytes([5]) + submit.SerializeToString())

deny = convoys_pb2.DenyConvoyRequest(convoy_id="cv-0123456789abcdef", denying_party="Party",
                                     reason="no facilitation letter", category=2)
save("write_requests", "deny_convoy", bytes([8]) + deny.SerializeToString())

denial = denials_pb2.RecordDenialRequest(idempotency_key="sarc/2016/17")
denial.facts.party = "Syrian government and affiliated militias"
denial.facts.area_id = "RD-MADAYA"
denial.facts.occurred_at.seconds = 1452384000
denial.facts.category = 2
denial.facts.description = "medical supplies removed from the convoy"
denial.facts.source.citation = "S/2016/60"
evidence = denial.facts.evidence.add()
evidence.sha256 = "ab" * 32
save("write_requests", "record_denial", bytes([11]) + denial.SerializeToString())

agreement = agreements_pb2.CreateAgreementRequest()
agreement.agreement.id = "us-russia-2016-09-09"
agreement.agreement.name = "Arrangement of 9 September 2016"
agreement.agreement.parties.append("Russian Federation")
save("write_requests", "create_agreement", bytes([13]) + agreement.SerializeToString())

# csv_import: files as `corridorctl export` writes them.
save("csv_import", "denials.csv",
     "idempotency_key,party,area_id,route_id,checkpoint,convoy_id,occurred_at,category,description,"
     "source,source_note,people_affected,evidence\n"
     "sarc/2016/17,Syrian government and affiliated militias,RD-MADAYA,,,,2016-01-10,"
     "MOVEMENT_RESTRICTION,\"medical supplies removed, \"\"surgical\"\" kits\",S/2016/60,,40000,"
     "sha256:" + "ab" * 32 + " https://example.org/x\n")
save("csv_import", "convoys.hxl.csv",
     "agency,area_id,route_id,planned_date,beneficiaries_requested,manifest,note,status,status_date\n"
     "#org,#adm4+code,,#date+planned,#affected+targeted,,,#status,#date\n"
     "WFP,EG-DUMA,,2016-10-19,2500,wheat flour:food:20:tonnes;insulin:medical:4:boxes,\"line\r\nbreak\","
     "DELIVERED,2016-10-20\n")
# Cells neutralised against CSV injection, as exports write them: a single
# quote before a formula, a value that had its own, and a number left alone.
save("csv_import", "formulas.csv",
     "idempotency_key,party,area_id,occurred_at,category,description,source,people_affected\n"
     "k1,\"'-2+3+cmd|' /C calc'!A0\",EG-DUMA,2016-09-03,3,\"'=HYPERLINK(\"\"http://x\"\")\","
     "\"'@SUM(1+1)\",-5\n"
     "k2,\"''=1+1\",EG-DUMA,2016-09-04,3,\"'\t=1\",'=unquoted,-0.5\n")
print("seeds written to", CORPUS)
