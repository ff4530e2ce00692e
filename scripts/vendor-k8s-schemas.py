#!/usr/bin/env python3
"""Vendors the parts of Kubernetes' published OpenAPI v3 schemas that Speglar's manifests use, for strict tests.

Usage: vendor-k8s-schemas.py MINOR CORE_V1_JSON APPS_V1_JSON SOURCE_NOTE > installer/src/test/resources/schemas/kubernetes/1.MINOR.json
       vendor-k8s-schemas.py MINOR --swagger SWAGGER_JSON SOURCE_NOTE > ...

CORE_V1_JSON and APPS_V1_JSON are kubernetes/kubernetes api/openapi-spec/v3/api__v1_openapi.json and
apis__apps__v1_openapi.json of the release-1.MINOR branch. SWAGGER_JSON is the same API as an OpenAPI v2 document
(api/openapi-spec/swagger.json, or a copy such as kubernetes-sigs/reference-docs gen-apidocs/config/v1_MINOR/swagger.json):
its "#/definitions/" references are rewritten to the v3 "#/components/schemas/" form. Keeps every definition
reachable from the kinds the installer renders, with only the keywords a structural check needs (no descriptions,
defaults or patch hints).
"""
import json
import sys

ROOTS = ['io.k8s.api.core.v1.Namespace', 'io.k8s.api.core.v1.ServiceAccount', 'io.k8s.api.core.v1.Service',
         'io.k8s.api.apps.v1.DaemonSet']
KEEP = {'type', 'properties', 'items', 'additionalProperties', '$ref', 'allOf', 'oneOf', 'required', 'enum',
        'format', 'x-kubernetes-group-version-kind'}


def refs(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == '$ref':
                yield v.split('/')[-1]
            else:
                yield from refs(v)
    elif isinstance(o, list):
        for v in o:
            yield from refs(v)


def strip(o):
    out = {}
    for k, v in o.items():
        if k not in KEEP:
            continue
        if k == 'properties':
            out[k] = {p: strip(s) for p, s in v.items()}
        elif k in ('items', 'additionalProperties') and isinstance(v, dict):
            out[k] = strip(v)
        elif k in ('allOf', 'oneOf'):
            out[k] = [strip(x) for x in v]
        else:
            out[k] = v
    return out


def main():
    minor, source = sys.argv[1], sys.argv[4]
    schemas = {}
    if sys.argv[2] == '--swagger':
        text = open(sys.argv[3]).read().replace('"#/definitions/', '"#/components/schemas/')
        schemas.update(json.loads(text)['definitions'])
        # OpenAPI v2 cannot say "one of"; kube-openapi writes these two as plain strings there and as oneOf in v3.
        schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = {
            'format': 'int-or-string', 'oneOf': [{'type': 'integer'}, {'type': 'string'}]}
        schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'] = {'oneOf': [{'type': 'string'}, {'type': 'number'}]}
    else:
        for f in (sys.argv[2], sys.argv[3]):
            schemas.update(json.load(open(f))['components']['schemas'])
    seen, stack = set(), list(ROOTS)
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(refs(schemas[n]))
    lines = ['{"kubernetesVersion": "1.%s",' % minor, ' "source": %s,' % json.dumps(source), ' "schemas": {']
    body = ['  %s: %s' % (json.dumps(n), json.dumps(strip(schemas[n]), separators=(',', ':'))) for n in sorted(seen)]
    print('\n'.join(lines) + '\n' + ',\n'.join(body) + '\n }\n}')


main()
