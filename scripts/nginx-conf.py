#!/usr/bin/env python3
"""Writes deploy/nginx.conf for other ports: nginx listening on 127.0.0.1:PORT in front of the
given node ports (the shipped file names 8080 and nodes 8081..8083).

    python3 scripts/nginx-conf.py deploy/nginx.conf OUT.conf PORT NODE_PORT [NODE_PORT...]
"""
import re
import sys

if len(sys.argv) < 5:
    sys.exit(__doc__)
source, target, port, *nodes = sys.argv[1:]
text = open(source).read()
upstream = "".join(f"        server 127.0.0.1:{n} max_fails=1 fail_timeout=5s;\n" for n in nodes)
text, count = re.subn(r"(        server 127\.0\.0\.1:808[1-9][^\n]*\n)+", upstream, text, count=1)
if count != 1:
    sys.exit("nginx-conf.py: no upstream node lines in " + source)
text = text.replace("listen 8080;", f"listen 127.0.0.1:{port};")
with open(target, "w") as out:
    out.write(text)
