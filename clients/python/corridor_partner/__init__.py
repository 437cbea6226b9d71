"""corridor_partner: a Python client for Corridor, built from the published
contract (proto/corridor/v1) as a wheel by scripts/build_python_client.sh.

The wheel holds the generated messages and stubs of every service
(`corridor.v1.<file>_pb2` and `_pb2_grpc`), of gRPC's health and reflection
services (`corridor_partner.health`, `corridor_partner.reflection`) and of
the rich error model (`corridor_partner.rpc`), and these helpers:

    from corridor_partner import Client, pages, error_details, proofs

    client = Client("127.0.0.1:7400", token)
    areas = client.list_all(client.areas.ListAreas, areas_pb2.ListAreasRequest(), "areas")
    convoy = client.write(client.convoys.ApproveConvoy, request)  # request id, retries
    for change in client.follow_changes("convoys", start=position): ...
    proofs.verify_inclusion(...), proofs.verify_checkpoint(note, pinned_key)

docs/INTEGRATION.md walks through a partner's first hour with it.
"""
from corridor_partner import proofs
from corridor_partner.client import Client, ErrorDetails, error_details, new_request_id, pages

__all__ = ["Client", "ErrorDetails", "error_details", "new_request_id", "pages", "proofs"]
