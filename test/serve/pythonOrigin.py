"""Opens a WebSocket as a page of another site would: with the given Origin (and the token in
the browser's subprotocol form, when one is given), using Python's websockets, not ws. Prints
`open` when the server accepts, else the HTTP status it answered with.

usage: python3 pythonOrigin.py WS_URL ORIGIN [TOKEN]
"""
import asyncio
import sys

import websockets
from websockets.exceptions import InvalidStatusCode


async def main(url: str, origin: str, token: str) -> None:
    protocols = ["streamprop.v1"] + (["token." + token] if token else [])
    try:
        async with websockets.connect(url, origin=origin, subprotocols=protocols, compression=None):
            print("open", flush=True)
    except InvalidStatusCode as refused:
        print(refused.status_code, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""))
