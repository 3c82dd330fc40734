#!/usr/bin/python3
"""
One client of a LibreOffice kept running (soffice --accept): connects to it over a UNO socket
once, then converts the same DOCX to PDF again and again, timing each conversion (load hidden,
store with writer_pdf_Export, close), so that the interpreter's start-up and the connection are
not counted. With --lock, the clients sharing the lock file convert one at a time, as unoserver
serves its clients with one soffice: the time of a conversion then includes its wait for the
others (several conversions at once in one soffice can also stop it answering).

Protocol with the benchmark (JSON lines on stdout, one command on stdin):
  {"ready": true, "bytes": N, "warmup": [ms...]}   after the warm-up conversions
  <the benchmark writes a line "go">
  {"ms": t}                                        after each measured conversion
  {"done": true}
  {"error": "..."}                                 on failure (exit code 1)

Run with Debian's /usr/bin/python3 (package python3-uno).
"""
import argparse
import fcntl
import json
import os
import sys
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--connect-timeout", type=float, default=60.0)
    parser.add_argument("--lock", help="a file whose lock the clients take in turn to convert")
    args = parser.parse_args()
    lock = open(args.lock, "a") if args.lock else None

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + args.connect_timeout
    while True:
        try:
            ctx = resolver.resolve(
                "uno:socket,host=127.0.0.1,port=%d;urp;StarOffice.ComponentContext" % args.port
            )
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    source = uno.systemPathToFileUrl(os.path.abspath(args.input))
    target = uno.systemPathToFileUrl(os.path.abspath(args.output))
    load_args = (prop("Hidden", True), prop("ReadOnly", True))
    # Tagged PDF and bookmarks (outline), as the service's PDF has.
    filter_data = uno.Any(
        "[]com.sun.star.beans.PropertyValue",
        (prop("UseTaggedPDF", True), prop("ExportBookmarks", True)),
    )
    store_args = (prop("FilterName", "writer_pdf_Export"), prop("FilterData", filter_data))

    def convert():
        start = time.perf_counter()
        if lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            doc = desktop.loadComponentFromURL(source, "_blank", 0, load_args)
            if doc is None:
                raise RuntimeError("LibreOffice could not load " + args.input)
            try:
                doc.storeToURL(target, store_args)
            finally:
                doc.close(True)
        finally:
            if lock:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return (time.perf_counter() - start) * 1000.0

    warmup = [convert() for _ in range(args.warmup)]
    emit({"ready": True, "bytes": os.path.getsize(args.output) if os.path.exists(args.output) else 0, "warmup": warmup})
    if sys.stdin.readline().strip() != "go":
        return
    for _ in range(args.count):
        emit({"ms": convert()})
    emit({"done": True})


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # reported to the benchmark, which prints it
        emit({"error": "%s: %s" % (type(error).__name__, error), "trace": traceback.format_exc()})
        sys.exit(1)
