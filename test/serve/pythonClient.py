"""An independent protocol client (Python websockets, not ws): connects with the browser's
subprotocol form of the token, subscribes to every topic, and prints each frame it receives
as one line, unchanged, until it has `count` frames or `seconds` have passed.

usage: python3 pythonClient.py WS_URL TOKEN COUNT SECONDS
"""
import asyncio
import json
import sys

import websockets


async def main(url: str, token: str, count: int, seconds: float) -> None:
    async with websockets.connect(
        url, subprotocols=["streamprop.v1", "token." + token], compression=None
    ) as ws:
        if ws.subprotocol != "streamprop.v1":
            raise SystemExit("server selected subprotocol %r" % ws.subprotocol)
        await ws.send(json.dumps({"type": "subscribe", "topics": ["prediction", "metrics", "event"], "maxRateHz": 100}))
        received = 0
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while received < count:
            remaining = end - loop.time()
            if remaining <= 0:
                break
            try:
                frame = await asyncio.wait_for(ws.recv(), remaining)
            except asyncio.TimeoutError:
                break
            if not isinstance(frame, str):
                raise SystemExit("binary frame received")
            print(frame, flush=True)
            received += 1
        await ws.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
