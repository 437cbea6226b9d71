"""A signed-in connection to a Corridor deployment: a stub for every service
of the contract, plus the patterns every integration repeats (paging,
resuming streams, reading the rich error details, request ids).
"""
import time
import uuid

import grpc

from corridor.v1 import (agreements_pb2_grpc, areas_pb2_grpc, audit_pb2, audit_pb2_grpc,
                         auth_pb2_grpc, convoys_pb2_grpc, denials_pb2_grpc, echo_pb2_grpc,
                         incidents_pb2_grpc, operations_pb2_grpc, parties_pb2_grpc,
                         routes_pb2_grpc, witness_pb2_grpc)
from corridor_partner.health import health_pb2_grpc
from corridor_partner.reflection import reflection_pb2_grpc
from corridor_partner.rpc import error_details_pb2, status_pb2

__all__ = ["Client", "ErrorDetails", "error_details", "new_request_id", "pages"]

# What a stream outage looks like; the stream is opened again from where it
# stopped.
_RESUMABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
              grpc.StatusCode.RESOURCE_EXHAUSTED)


def new_request_id():
    """A fresh request id (AIP-155) for one write: keep it, and send it again
    with every retry of that write."""
    return str(uuid.uuid4())


class ErrorDetails:
    """What a failed call's google.rpc.Status details say (common.proto lists
    the reasons): `reason` and `metadata` (ErrorInfo, e.g. "INVALID_FIELD"),
    `field_violations` [(field, description)] (BadRequest), `preconditions`
    [(type, subject, description)] (PreconditionFailure), `resource`
    (type, name, description) or None (ResourceInfo), and `status`, the
    whole google.rpc.Status."""

    def __init__(self, reason="", metadata=None, field_violations=(), status=None):
        self.reason = reason
        self.metadata = dict(metadata or {})
        self.field_violations = list(field_violations)
        self.preconditions = []
        self.resource = None
        self.status = status

    def __repr__(self):
        return "ErrorDetails(reason=%r, field_violations=%r)" % (self.reason, self.field_violations)


def error_details(rpc_error):
    """The ErrorDetails of a grpc.RpcError (empty if it carries none)."""
    for key, value in (rpc_error.trailing_metadata() or ()):
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        details = ErrorDetails(status=status)
        for any_detail in status.details:
            info = error_details_pb2.ErrorInfo()
            bad = error_details_pb2.BadRequest()
            failure = error_details_pb2.PreconditionFailure()
            resource = error_details_pb2.ResourceInfo()
            if any_detail.Unpack(info):
                details.reason, details.metadata = info.reason, dict(info.metadata)
            elif any_detail.Unpack(bad):
                details.field_violations = [(v.field, v.description) for v in bad.field_violations]
            elif any_detail.Unpack(failure):
                details.preconditions = [(v.type, v.subject, v.description)
                                         for v in failure.violations]
            elif any_detail.Unpack(resource):
                details.resource = (resource.resource_type, resource.resource_name,
                                    resource.description)
        return details
    return ErrorDetails()


def pages(method, request, items, page_size=200, **call_options):
    """Yields every item of a paged list call: `method` a stub's method,
    `items` the name of the response's repeated field ("areas")."""
    request.page.page_size = page_size
    while True:
        response = method(request, **call_options)
        yield from getattr(response, items)
        if not response.next_page_token:
            return
        request.page.page_token = response.next_page_token


class Client:
    """Stubs for every Corridor service on one channel, each call carrying
    the bearer token. `credentials` (grpc.ssl_channel_credentials) for TLS."""

    def __init__(self, server, token, credentials=None, timeout=30):
        self.channel = (grpc.secure_channel(server, credentials) if credentials
                        else grpc.insecure_channel(server))
        self.metadata = (("authorization", "Bearer " + token),) if token else ()
        self.timeout = timeout
        self.agreements = agreements_pb2_grpc.AgreementServiceStub(self.channel)
        self.areas = areas_pb2_grpc.AreaServiceStub(self.channel)
        self.audit = audit_pb2_grpc.AuditServiceStub(self.channel)
        self.auth = auth_pb2_grpc.TokenServiceStub(self.channel)
        self.convoys = convoys_pb2_grpc.ConvoyServiceStub(self.channel)
        self.denials = denials_pb2_grpc.DenialServiceStub(self.channel)
        self.echo = echo_pb2_grpc.EchoServiceStub(self.channel)
        self.incidents = incidents_pb2_grpc.IncidentServiceStub(self.channel)
        self.operations = operations_pb2_grpc.OperationsServiceStub(self.channel)
        self.parties = parties_pb2_grpc.PartyServiceStub(self.channel)
        self.routes = routes_pb2_grpc.RouteServiceStub(self.channel)
        self.witness = witness_pb2_grpc.WitnessServiceStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)
        self.reflection = reflection_pb2_grpc.ServerReflectionStub(self.channel)

    def call(self, method, request, **options):
        """One unary call with the token and the client's timeout."""
        options.setdefault("timeout", self.timeout)
        return method(request, metadata=self.metadata, **options)

    def write(self, method, request, attempts=3, pause=0.5):
        """A write that survives a lost answer: sends a copy of `request`
        with a fresh request id (unless it has one), again (up to `attempts`
        times) while the server is unreachable or slow; the server applies
        it once. `request` itself is left as it was, so it can serve as the
        template of the next write."""
        sent = type(request)()
        sent.CopyFrom(request)
        if not sent.request_id:
            sent.request_id = new_request_id()
        for attempt in range(1, attempts + 1):
            try:
                return self.call(method, sent)
            except grpc.RpcError as error:
                if error.code() not in _RESUMABLE or attempt == attempts:
                    raise
                time.sleep(pause * attempt)

    def list_all(self, method, request, items, page_size=200):
        """Every item of a paged list call (see pages)."""
        return list(pages(method, request, items, page_size, metadata=self.metadata,
                          timeout=self.timeout))

    def follow_changes(self, service, start=0, retry_pause=1.0, max_outage=60.0):
        """Yields every journal change of `service` from position `start` on
        (AuditService.WatchChanges), in order, once each: after a dropped
        stream it opens a new one from the next position. Gives up (raising
        the last error) after `max_outage` seconds without a change."""
        position, last_progress = start, time.monotonic()
        while True:
            stream = self.audit.WatchChanges(
                audit_pb2.WatchChangesRequest(service=service, start=position),
                metadata=self.metadata)
            try:
                for change in stream:
                    position, last_progress = change.index + 1, time.monotonic()
                    yield change
                return
            except grpc.RpcError as error:
                if error.code() not in _RESUMABLE or \
                        time.monotonic() - last_progress > max_outage:
                    raise
                time.sleep(retry_pause)
            finally:
                stream.cancel()

    def import_rows(self, method, rows, request_type, rows_per_request=500):
        """Sends `rows` (ImportDenialRow or ImportConvoyRow messages, each
        with its line) over an import stream, e.g.
        client.import_rows(client.denials.ImportDenials, rows,
                           denials_pb2.ImportDenialsRequest),
        in requests of `rows_per_request`; yields each request's
        ImportBatchResponse as its write becomes durable. Re-sending the
        same rows after a broken stream stores nothing twice."""
        def requests():
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == rows_per_request:
                    yield request_type(rows=batch)
                    batch = []
            if batch:
                yield request_type(rows=batch)
        yield from method(requests(), metadata=self.metadata)

    def close(self):
        self.channel.close()
