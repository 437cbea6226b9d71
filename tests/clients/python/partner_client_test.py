#!/usr/bin/python3
"""The example partner client (clients/python/corridor_partner.py) against a
real corridord, with a partner token made by the real corridorctl: it must
submit and complete a convoy, receive and verify all four changes from the
feed, and print the access report. Run again with the same resume file, it
must pick up exactly where it left off.

Usage: partner_client_test.py BIN_DIR
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

BIN = sys.argv[1]
del sys.argv[1:2]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
CLIENT = os.path.join(ROOT, "clients", "python", "corridor_partner.py")


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
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.time() > deadline or cls.server.poll() is not None:
                raise RuntimeError("corridord did not start")
            time.sleep(0.05)
        cls.address = open(port_file).read().strip()
        cls.token = os.path.join(cls.dir.name, "partner.token")
        subprocess.run(
            [os.path.join(BIN, "corridorctl"), "--server=" + cls.address,
             "--token-file=" + os.path.join(data, "credentials", "admin.token"),
             "admin", "token", "create", "--role=partner", "--agency=WFP", "--name=wfp-system",
             "--out=" + cls.token], check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=20)
        cls.dir.cleanup()

    def run_client(self, *extra):
        return subprocess.run(
            ["/usr/bin/python3", CLIENT, "--server=" + self.address, "--token-file=" + self.token,
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


if __name__ == "__main__":
    unittest.main()
