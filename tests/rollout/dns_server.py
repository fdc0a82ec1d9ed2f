"""A tiny authoritative DNS server on 127.0.0.1 for the gate tests: answers from a zone file, nothing leaves the
machine. UDP only, one thread, stopped by the context manager."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def serve_zone(text: str, origin: str) -> Iterator[tuple[str, int]]:
    """Serve `text` (a BIND zone for `origin`) on 127.0.0.1; yields (host, port)."""
    import dns.flags
    import dns.message
    import dns.name
    import dns.rcode
    import dns.zone

    zone = dns.zone.from_text(text, origin=dns.name.from_text(origin), relativize=False, check_origin=False)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def answer(wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        node = zone.get_node(question.name)
        if node is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        else:
            rdataset = node.get_rdataset(question.rdclass, question.rdtype)
            if rdataset is not None:
                response.answer.append(dns.rrset.from_rdata_list(question.name, rdataset.ttl, list(rdataset)))
        return response.to_wire()

    def loop() -> None:
        while not stop.is_set():
            try:
                wire, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            sock.sendto(answer(wire), peer)

    import dns.rrset  # noqa: F401 - used in answer()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()
    finally:
        stop.set()
        thread.join(timeout=2)
        sock.close()
