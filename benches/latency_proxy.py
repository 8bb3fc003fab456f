"""A TCP pass-through that adds a fixed delay before each HTTP request, as a
real region's round trip would: a request is the first bytes a client sends
after the previous answer (HTTP/1.1 sends one request at a time on a
connection), so each request waits DELAY once, and a large upload is not
delayed again chunk by chunk. Connections are concurrent, as AWS's are.

    python3 benches/latency_proxy.py LISTEN_PORT UPSTREAM_PORT [DELAY_MS=40]

Prints "ready" when it listens. Used by benches/s3_migrate.sh and
benches/inventory_scale.sh; not part of `cargo test`."""
import asyncio
import socket
import sys

listen, upstream = int(sys.argv[1]), int(sys.argv[2])
delay = (int(sys.argv[3]) if len(sys.argv) > 3 else 40) / 1000


async def pump(reader, writer, state, requests):
    try:
        while data := await reader.read(65536):
            if requests and state["answered"]:
                # A new request: the previous one was answered.
                state["answered"] = False
                await asyncio.sleep(delay)
            elif not requests:
                state["answered"] = True
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(c_reader, c_writer):
    try:
        s_reader, s_writer = await asyncio.open_connection("127.0.0.1", upstream)
    except OSError:
        c_writer.close()
        return
    # Without it Nagle and delayed ACKs add their own ~40 ms to small writes.
    for w in (c_writer, s_writer):
        w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    state = {"answered": True}
    await asyncio.gather(
        pump(c_reader, s_writer, state, True),
        pump(s_reader, c_writer, state, False),
    )


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", listen, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
