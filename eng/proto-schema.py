#!/usr/bin/env python3
"""Builds src/K8sNet.FakeCluster/ApiServer/Protobuf/schema.tsv, the protobuf wire contract of the built-in kinds, from a
fields.tsv transcribed from the protobuf and json tags of k8s.io/api and k8s.io/apimachinery types.go files (one line
per tagged field: package, struct, Go field, Go type, json name, omitempty, wire, number, label, resolved proto type,
map key and value types). Usage: python3 eng/proto-schema.py fields.tsv SOURCES > schema.tsv, where SOURCES lists the
files and commits the fields came from."""
import sys

fields, sources = sys.argv[1], sys.argv[2]
print("# The protobuf wire contract of the built-in kinds the fake API server serves: one line per field, from the")
print("# protobuf and json struct tags of these files (transcribed as data; regenerate with eng/proto-schema.py):")
for line in open(sources, encoding="utf-8"):
    line = line.strip()
    if line:
        print("#   " + line)
print("message\tjson\tnumber\tlabel\tkind\ttype\tkey\tvalue\tpointer\tomitempty")
with open(fields, encoding="utf-8") as f:
    header = f.readline()
    for line in f:
        c = line.rstrip("\n").split("\t")
        if len(c) < 12:
            continue
        pkg, struct, _field, gotype, json, omit, _wire, number, label, ptype, key, value = c[:12]
        kind, typ = (("msg", ptype[4:]) if ptype.startswith("msg:") else (ptype, ""))
        pointer = "1" if gotype.startswith("*") else "0"
        # The wire label is the Go type's, as go-to-protobuf generates it: a slice (but []byte) is repeated, anything
        # else is not, whatever the struct tag says (tags disagree for some fields; tag_anomalies lists them).
        if ptype != "map":
            label = "rep" if gotype.startswith("[]") and gotype != "[]byte" else "opt"
        print("\t".join([f"{pkg}.{struct}", json, number, label, kind, typ, key, value, pointer, omit]))
