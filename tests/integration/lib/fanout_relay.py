"""fanout_relay.py: a TCP relay on 127.0.0.1:PORT that opens each upstream connection from the next address of
127.0.N.2-251, so a scanner (sqlmap) looks like many clients to nginx's per-address rate limit on the login
endpoints — the production limit stays as it is. Usage: fanout_relay.py LISTEN_PORT TARGET_PORT (runs until killed)."""
import asyncio
import sys

LISTEN, TARGET = int(sys.argv[1]), int(sys.argv[2])
state = {"n": 0}


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def handle(cr, cw):
    state["n"] += 1
    src = f"127.0.{60 + state['n'] // 250 % 100}.{2 + state['n'] % 250}"
    try:
        ur, uw = await asyncio.open_connection("127.0.0.1", TARGET, local_addr=(src, 0))
    except OSError:
        cw.close()
        return
    await asyncio.gather(pipe(cr, uw), pipe(ur, cw))


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN)
    async with server:
        await server.serve_forever()

asyncio.run(main())
