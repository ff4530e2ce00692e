#!/usr/bin/env python3
"""Vendors the parts of Talos' machine-config JSON schema that Speglar's Talos patches use, for strict tests.

Usage: vendor-talos-schemas.py MINOR CONFIG_SCHEMA_JSON SOURCE_NOTE > installer/src/test/resources/schemas/talos/1.MINOR.json

CONFIG_SCHEMA_JSON is website/content/v1.MINOR/schemas/config.schema.json of a siderolabs/talos release tag. Keeps
v1alpha1.Config, v1alpha1.MachineConfig (every property name, so unknown fields are caught) and the definitions the
patches reach (machine.files, CRICustomizationConfig); other properties keep their name with an empty schema marked
"x-not-vendored". Descriptions and examples are dropped.
"""
import json
import sys

KEEP = {'type', 'properties', 'items', 'additionalProperties', '$ref', 'allOf', 'oneOf', 'anyOf', 'required', 'enum',
        'pattern'}
FOLLOW = {'v1alpha1.Config': {'machine'}, 'v1alpha1.MachineConfig': {'files'}}
WHOLE = ['v1alpha1.MachineFile', 'cri.CRICustomizationConfigV1Alpha1']


def strip(o):
    if isinstance(o, list):
        return [strip(x) for x in o]
    if not isinstance(o, dict):
        return o
    out = {}
    for k, v in o.items():
        if k == 'properties':
            out[k] = {p: strip(s) for p, s in v.items()}
        elif k in KEEP:
            out[k] = strip(v)
    return out


def main():
    minor, path, source = sys.argv[1], sys.argv[2], sys.argv[3]
    defs = json.load(open(path))['$defs']
    out = {}
    for name, follow in FOLLOW.items():
        d = strip(defs[name])
        d['properties'] = {p: (s if p in follow else {'x-not-vendored': True}) for p, s in d['properties'].items()}
        out[name] = d
    for name in WHOLE:
        if name in defs:
            out[name] = strip(defs[name])
    lines = ['{"talosVersion": "1.%s",' % minor, ' "source": %s,' % json.dumps(source), ' "$defs": {']
    body = ['  %s: %s' % (json.dumps(n), json.dumps(out[n], separators=(',', ':'))) for n in sorted(out)]
    print('\n'.join(lines) + '\n' + ',\n'.join(body) + '\n }\n}')


main()
