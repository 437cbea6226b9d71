#!/usr/bin/python3
"""Checks deploy/ without a cluster or a Docker daemon (neither runs here).

  scripts/check_deploy.py [BUILD_BIN_DIR]

- Kubernetes (deploy/k8s): kustomize is not in Debian, so deploy/k8s is
  rendered here the way `kubectl apply -k deploy/k8s` renders it, by a
  small renderer of the kustomize features the manifests use (resources
  and JSON 6902 patches; any other feature is refused, see render()). The
  renderer first tests itself on an inline example whose kustomize output
  is known. Every rendered object is then checked field by field against
  the API's schema as Debian's python3-kubernetes models describe it
  (unknown fields, wrong types and missing required fields are errors),
  then for consistency: every file under deploy/k8s is reached from its
  kustomization.yaml, every ConfigMap, Secret and $(VARIABLE) a pod uses
  is defined or made by make-secrets.sh, every Service selects a pod
  template and names ports the containers have and is in the certificate
  make-secrets.sh makes, every service is in CORRIDOR_PEERS, every
  Corridor binary a container runs is built, and every flag given to it is
  one it has. deploy/k8s-witness and deploy/k8s-mirror, a witness's and a
  mirror's own manifests, are rendered
  and checked the same way, apart.
- Compose (deploy/docker/compose.yaml): `docker-compose config -q`
  (Debian's docker-compose validates against the Compose schema offline).
- Dockerfile: the runtime stage installs the package of every shared
  library the copied binaries link (ldd on this machine's build), and
  copies only binaries the build produces.

Prints each problem with its file and path; exits 1 if there is any.
"""
import functools
import os
import re
import subprocess
import sys
import tempfile

import yaml
from kubernetes import client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
K8S = os.path.join(ROOT, "deploy", "k8s")
DOCKER = os.path.join(ROOT, "deploy", "docker")
MODELS = {
    "Namespace": "V1Namespace",
    "ConfigMap": "V1ConfigMap",
    "Secret": "V1Secret",
    "Service": "V1Service",
    "StatefulSet": "V1StatefulSet",
    "Deployment": "V1Deployment",
}
problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


# ---------------------------------------------------------------- kustomize
# What `kubectl apply -k DIR` (kustomize) builds from DIR, for the subset of
# kustomize deploy/k8s uses. Each feature below behaves as kustomize's does;
# every other field of a kustomization is refused, so that nobody adds one
# that this check would silently ignore:
#
# - a kustomization is DIR/kustomization.yaml, apiVersion
#   kustomize.config.k8s.io/v1beta1, kind Kustomization, with only
#   `resources` and `patches`;
# - `resources` are YAML files (their documents, in order) or directories
#   holding a kustomization (rendered first, recursively; a base may be used
#   by several overlays, each getting its own copy). Two objects with the
#   same apiVersion, kind, namespace and name in one kustomization are an
#   error, as in kustomize ("already registered id");
# - `patches` are JSON 6902 patches (RFC 6902: a YAML list of operations
#   add, remove, replace and test; paths are RFC 6901 pointers, ~1 for /),
#   given inline (`patch`) or in a file (`path`), applied in order to the
#   objects their `target` selects by kind and name. kustomize matches the
#   name against the object's original or current name; so does this. A
#   target must name both, literally, and must select something (kustomize
#   would skip a patch that selects nothing: here it is an error).
#
# Not implemented, hence refused: strategic-merge patches, move and copy,
# negative array indices, namePrefix/nameSuffix, labels/commonLabels,
# namespace, images, replicas, generators, components, replacements, remote
# resources, and the deprecated patchesJson6902/patchesStrategicMerge.
# YAML anchors are expanded on reading (kustomize does since v4.4), each
# alias into a copy of its own, as kustomize's conversion to JSON does.
KUSTOMIZATION_FIELDS = {"apiVersion", "kind", "resources", "patches"}
PATCH_FIELDS = {"target", "patch", "path"}
TARGET_FIELDS = {"kind", "name"}
OPERATION_FIELDS = {"add": {"op", "path", "value"}, "remove": {"op", "path"},
                    "replace": {"op", "path", "value"}, "test": {"op", "path", "value"}}


class RenderError(Exception):
    pass


class Rendered:
    """An object of the build: its document, the name it had in the file it
    came from (what a patch target may also match), and that file."""

    def __init__(self, doc, origin):
        self.doc = doc
        self.original_name = doc["metadata"]["name"]
        self.origin = origin
        self.patched_in = None  # the last kustomization that patched it

    def where(self):
        via = f", patched in {self.patched_in}" if self.patched_in else ""
        return f"{self.doc['kind']} {self.doc['metadata'].get('name')} (from {self.origin}{via})"

    def id(self):
        m = self.doc["metadata"]
        return (self.doc.get("apiVersion"), self.doc["kind"], m.get("namespace"), m["name"])


def plain_copy(value):
    """A copy sharing nothing, not even what YAML aliases shared."""
    if isinstance(value, dict):
        return {k: plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_copy(v) for v in value]
    return value


def json_equal(a, b):
    """Equality of JSON values: true is not 1, but 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def apply_operation(doc, op, where):
    """Applies one RFC 6902 operation to `doc` in place, or raises."""
    if not isinstance(op, dict) or op.get("op") not in OPERATION_FIELDS:
        raise RenderError(f"{where}: {op!r}: only the operations {sorted(OPERATION_FIELDS)} are implemented")
    extra = set(op) - OPERATION_FIELDS[op["op"]]
    missing = OPERATION_FIELDS[op["op"]] - set(op)
    if extra or missing:
        raise RenderError(f"{where}: {op!r}: a {op['op']} takes exactly {sorted(OPERATION_FIELDS[op['op']])}")
    path = op["path"]
    if not isinstance(path, str) or not path.startswith("/"):
        raise RenderError(f"{where}: path {path!r} is not a JSON pointer to a field")
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]
    parent = doc
    for depth, token in enumerate(tokens):
        last = depth == len(tokens) - 1
        if isinstance(parent, dict):
            if last:
                break
            if token not in parent:
                raise RenderError(f"{where}: {op['op']} {path}: there is no {token!r}")
            parent = parent[token]
        elif isinstance(parent, list):
            if last and token == "-" and op["op"] == "add":
                break
            if not re.fullmatch(r"0|[1-9][0-9]*", token):
                raise RenderError(f"{where}: {op['op']} {path}: {token!r} is not an index of a list")
            limit = len(parent) + 1 if last and op["op"] == "add" else len(parent)
            if int(token) >= limit:
                raise RenderError(f"{where}: {op['op']} {path}: index {token} is past the list's end")
            if last:
                break
            parent = parent[int(token)]
        else:
            raise RenderError(f"{where}: {op['op']} {path}: {token!r} is inside a scalar")
    key = tokens[-1]
    if isinstance(parent, list):
        key = len(parent) if key == "-" else int(key)
    elif op["op"] != "add" and key not in parent:
        raise RenderError(f"{where}: {op['op']} {path}: there is no {key!r}")
    kind = op["op"]
    if kind == "test":
        if not json_equal(parent[key], op["value"]):
            raise RenderError(f"{where}: test {path}: is {parent[key]!r}, not {op['value']!r}")
    elif kind == "remove":
        del parent[key]
    elif kind == "replace":
        parent[key] = plain_copy(op["value"])
    elif isinstance(parent, list):  # add
        parent.insert(key, plain_copy(op["value"]))
    else:
        parent[key] = plain_copy(op["value"])


def shown(path, root):
    """A path as problems name it: from the repository's root, or from the
    self-test's folder."""
    inside = os.path.realpath(ROOT) + os.sep
    return os.path.relpath(path, ROOT if path.startswith(inside) else root)


def render(directory, root, reached, stack=()):
    """The objects `kustomize build directory` outputs, in its order of
    resources (kustomize then sorts them by kind; no check here depends on
    order). Adds every file read to `reached`. Refuses files outside root."""
    directory = os.path.realpath(directory)
    here = shown(directory, root)
    if directory in stack:
        raise RenderError(f"{here}: a cycle of kustomizations")
    for other in ("kustomization.yml", "Kustomization"):
        if os.path.exists(os.path.join(directory, other)):
            raise RenderError(f"{here}/{other}: only the name kustomization.yaml is implemented")
    path = os.path.join(directory, "kustomization.yaml")
    if not os.path.exists(path):
        raise RenderError(f"{here}: a resource directory without kustomization.yaml")
    reached.add(path)
    where = f"{here}/kustomization.yaml"
    try:
        with open(path) as stream:
            kustomization = yaml.safe_load(stream) or {}
    except yaml.YAMLError as error:
        raise RenderError(f"{where}: not YAML: {error}")
    if not isinstance(kustomization, dict):
        raise RenderError(f"{where}: not a kustomization")
    unknown = sorted(set(kustomization) - KUSTOMIZATION_FIELDS)
    if unknown:
        raise RenderError(f"{where}: {', '.join(unknown)}: not implemented by scripts/check_deploy.py's "
                          f"renderer (only {', '.join(sorted(KUSTOMIZATION_FIELDS))}); implement it there first")
    if (kustomization.get("apiVersion"), kustomization.get("kind")) != (
            "kustomize.config.k8s.io/v1beta1", "Kustomization"):
        raise RenderError(f"{where}: must be apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization")

    objects = []
    for entry in kustomization.get("resources") or []:
        full = os.path.realpath(os.path.join(directory, str(entry)))
        if "://" in str(entry) or not (full + os.sep).startswith(os.path.realpath(root) + os.sep):
            raise RenderError(f"{where}: resource {entry}: only files and folders in {shown(root, root)}/ are implemented")
        if os.path.isdir(full):
            objects += render(full, root, reached, stack + (directory,))
        elif os.path.isfile(full):
            reached.add(full)
            origin = shown(full, root)
            with open(full) as stream:
                try:
                    docs = list(yaml.safe_load_all(stream))
                except yaml.YAMLError as error:
                    raise RenderError(f"{origin}: not YAML: {error}")
                for i, doc in enumerate(docs):
                    if doc is None:
                        continue
                    if not isinstance(doc, dict) or not isinstance(doc.get("metadata"), dict) \
                            or not doc.get("kind") or not doc["metadata"].get("name"):
                        raise RenderError(f"{origin}#{i}: not an object with a kind and a metadata.name")
                    if doc["kind"] == "Kustomization":
                        raise RenderError(f"{origin}#{i}: a Kustomization listed as a resource: list its folder")
                    objects.append(Rendered(plain_copy(doc), f"{origin}#{i}"))
        else:
            raise RenderError(f"{where}: resource {entry} does not exist")
        check_unique_ids(objects, where)

    for n, patch in enumerate(kustomization.get("patches") or []):
        pw = f"{where}: patches[{n}]"
        if not isinstance(patch, dict) or set(patch) - PATCH_FIELDS:
            raise RenderError(f"{pw}: only {', '.join(sorted(PATCH_FIELDS))} are implemented (no options)")
        target = patch.get("target")
        if not isinstance(target, dict) or set(target) != TARGET_FIELDS or not all(
                isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9-]+", v) for v in target.values()):
            raise RenderError(f"{pw}: the target must be exactly a kind and a literal name")
        if ("patch" in patch) == ("path" in patch):
            raise RenderError(f"{pw}: give one of patch and path")
        if "path" in patch:
            patch_file = os.path.realpath(os.path.join(directory, patch["path"]))
            if not patch_file.startswith(directory + os.sep):
                raise RenderError(f"{pw}: {patch['path']} is outside the kustomization's folder")
            if not os.path.isfile(patch_file):
                raise RenderError(f"{pw}: {patch['path']} does not exist")
            reached.add(patch_file)
            with open(patch_file) as stream:
                text = stream.read()
        else:
            text = patch["patch"]
            if not isinstance(text, str):
                raise RenderError(f"{pw}: patch must be a string (patch: |-), as kustomize reads it")
        try:
            operations = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise RenderError(f"{pw}: not YAML: {error}")
        if not isinstance(operations, list):
            raise RenderError(f"{pw}: not a JSON 6902 patch (a list of operations); strategic-merge "
                              f"patches are not implemented by scripts/check_deploy.py's renderer")
        selected = [o for o in objects if o.doc["kind"] == target["kind"]
                    and target["name"] in (o.original_name, o.doc["metadata"]["name"])]
        if not selected:
            raise RenderError(f"{pw}: the target {target} selects nothing")
        for o in selected:
            for op in operations:
                apply_operation(o.doc, op, f"{pw} on {o.where()}")
            o.patched_in = here
    check_unique_ids(objects, where)
    return objects


def check_unique_ids(objects, where):
    seen = {}
    for o in objects:
        if o.id() in seen:
            raise RenderError(f"{where}: {o.where()} and {seen[o.id()].where()} have the same id")
        seen[o.id()] = o


# The self-test: an example that uses every feature the renderer implements,
# with what kustomize (v4.4 to v5) builds from it, worked out by hand from
# its documented semantics; then mistakes the renderer must refuse.
SELF_TEST_FILES = {
    "base/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                               "kind: Kustomization\nresources: [svc.yaml]\n",
    "base/svc.yaml": """\
apiVersion: v1
kind: Service
metadata: {name: x, labels: {app.kubernetes.io/name: x}}
spec:
  ports: [{name: a, port: 1}, {name: b, port: 2}]
  a: &shared [p, q]
  b: *shared
""",
    "one/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
patches:
  - target: {kind: Service, name: x}
    patch: |-
      - {op: replace, path: /metadata/name, value: one}
      - {op: replace, path: /metadata/labels/app.kubernetes.io~1name, value: one}
      - {op: test, path: /spec/ports/1/name, value: b}
      - {op: remove, path: /spec/ports/1}
      - {op: add, path: /spec/ports/0, value: {name: z, port: 0}}
      - {op: add, path: /spec/ports/-, value: {name: c, port: 3}}
      - {op: replace, path: /spec/a/0, value: r}
      - {op: add, path: /spec/new, value: 1}
""",
    "two/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
patches:
  - target: {kind: Service, name: x}
    path: rename.yaml
""",
    "two/rename.yaml": "- {op: replace, path: /metadata/name, value: two}\n",
    "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                          "kind: Kustomization\nresources: [one, two]\n",
}
SELF_TEST_EXPECTED = [
    {"apiVersion": "v1", "kind": "Service",
     "metadata": {"name": "one", "labels": {"app.kubernetes.io/name": "one"}},
     "spec": {"ports": [{"name": "z", "port": 0}, {"name": "a", "port": 1}, {"name": "c", "port": 3}],
              "a": ["r", "q"], "b": ["p", "q"], "new": 1}},
    {"apiVersion": "v1", "kind": "Service",
     "metadata": {"name": "two", "labels": {"app.kubernetes.io/name": "x"}},
     "spec": {"ports": [{"name": "a", "port": 1}, {"name": "b", "port": 2}],
              "a": ["p", "q"], "b": ["p", "q"]}},
]
# (file to change, text appended to it or replacing it, what the error says)
SELF_TEST_REFUSALS = [
    ("two/kustomization.yaml", "+namePrefix: a-\n", "not implemented"),
    ("two/kustomization.yaml", "+images: [{name: x, newTag: y}]\n", "not implemented"),
    ("two/rename.yaml", "=metadata: {name: two}\n", "strategic-merge"),
    ("two/rename.yaml", "=- {op: move, from: /spec, path: /x}\n", "only the operations"),
    ("two/rename.yaml", "=- {op: test, path: /spec/ports/0/name, value: b}\n", "not 'b'"),
    ("two/rename.yaml", "=- {op: replace, path: /spec/nothing, value: 1}\n", "there is no"),
    ("two/rename.yaml", "=- {op: add, path: /spec/ports/3, value: 1}\n", "past the list's end"),
    ("two/rename.yaml", "=- {op: remove, path: /spec/ports/-1}\n", "not an index"),
    ("two/rename.yaml", "=- {op: replace, path: /metadata/name, value: one}\n", "same id"),
    ("two/kustomization.yaml", "+  - target: {kind: Service, name: y}\n    patch: '[]'\n", "selects nothing"),
]


def self_test_renderer():
    """Problems if the renderer does not build the example as kustomize does."""
    with tempfile.TemporaryDirectory() as tmp:
        def write(files):
            for name, text in files.items():
                os.makedirs(os.path.dirname(os.path.join(tmp, name)), exist_ok=True)
                with open(os.path.join(tmp, name), "w") as stream:
                    stream.write(text)
        write(SELF_TEST_FILES)
        got = [o.doc for o in render(tmp, tmp, set())]
        if not json_equal(got, SELF_TEST_EXPECTED):
            problem("scripts/check_deploy.py", f"the renderer's self-test built {got}, "
                                               f"not what kustomize builds: {SELF_TEST_EXPECTED}")
        for name, change, error in SELF_TEST_REFUSALS:
            text = SELF_TEST_FILES[name] + change[1:] if change[0] == "+" else change[1:]
            write({name: text})
            try:
                render(tmp, tmp, set())
                problem("scripts/check_deploy.py", f"the renderer accepted {name} as {text!r}")
            except RenderError as e:
                if error not in str(e):
                    problem("scripts/check_deploy.py", f"the renderer refused {name} as {text!r} "
                                                       f"for another reason: {e}")
            write({name: SELF_TEST_FILES[name]})


# ---------------------------------------------------------------- schema
def check_value(value, type_name, where):
    """Checks `value` against an OpenAPI type name of the python client."""
    if value is None:
        return
    if type_name.startswith("list["):
        if not isinstance(value, list):
            problem(where, f"should be a list ({type_name}), is {type(value).__name__}")
            return
        for i, item in enumerate(value):
            check_value(item, type_name[5:-1], f"{where}[{i}]")
        return
    if type_name.startswith("dict("):
        if not isinstance(value, dict):
            problem(where, f"should be a map ({type_name})")
            return
        inner = type_name[5:-1].split(", ", 1)[1]
        for key, item in value.items():
            check_value(item, inner, f"{where}.{key}")
        return
    if type_name == "str":
        if not isinstance(value, str):
            problem(where, f"should be a string, is {type(value).__name__} {value!r} (quote it)")
        return
    if type_name == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            problem(where, f"should be an integer, is {value!r}")
        return
    if type_name == "bool":
        if not isinstance(value, bool):
            problem(where, f"should be true or false, is {value!r}")
        return
    if type_name in ("object", "datetime", "date", "float"):
        return  # IntOrString, Quantity-like objects, times: any scalar
    model = getattr(client.models, type_name, None)
    if model is None:
        problem(where, f"unknown schema type {type_name}")
        return
    if not isinstance(value, dict):
        problem(where, f"should be an object ({type_name})")
        return
    by_json = {json: attr for attr, json in model.attribute_map.items()}
    for key, item in value.items():
        if key not in by_json:
            problem(where, f"unknown field \"{key}\" in {type_name}")
            continue
        check_value(item, model.openapi_types[by_json[key]], f"{where}.{key}")


def check_required(document, model_name, where):
    """The client's models refuse a missing required field when built."""
    api = client.ApiClient()
    try:
        api._ApiClient__deserialize(document, model_name)
    except ValueError as error:
        problem(where, f"{error}")


# ---------------------------------------------------------------- consistency
@functools.lru_cache(maxsize=None)
def flags_of(binary, bin_dir):
    """The flags a Corridor binary accepts, from its --helpfull."""
    path = os.path.join(bin_dir, binary)
    if not os.path.exists(path):
        return None
    out = subprocess.run([path, "--helpfull"], capture_output=True, text=True).stdout
    return set(re.findall(r"^\s+--([a-z_]+) ", out, re.M))


@functools.lru_cache(maxsize=None)
def corridorctl_flags(bin_dir):
    """Every flag corridorctl's help names."""
    path = os.path.join(bin_dir, "corridorctl")
    if not os.path.exists(path):
        return None
    out = subprocess.run([path, "help"], capture_output=True, text=True).stdout
    return set(re.findall(r"--([a-z][a-z-]*)", out))


def check_pod(spec, where, config_vars, known_secrets, bin_dir):
    containers = spec.get("containers", [])
    for c in containers:
        cw = f"{where}.containers[{c.get('name')}]"
        command = c.get("command") or []
        args = c.get("args") or []
        for arg in args:
            for var in re.findall(r"\$\(([A-Z_]+)\)", arg):
                if var not in config_vars:
                    problem(cw, f"{arg}: ${var} is not in ConfigMap corridor-settings")
        if command and command[0].startswith("corridor"):
            flags = flags_of(command[0], bin_dir)
            if flags is None and os.path.isdir(bin_dir):
                problem(cw, f"runs {command[0]}, which the build does not make")
            if flags is not None:
                for arg in args:
                    name = arg[2:].split("=", 1)[0]
                    if arg.startswith("--") and name not in flags:
                        problem(cw, f"{command[0]} has no flag --{name}")
        for probe in ("readinessProbe", "livenessProbe"):
            exec_command = ((c.get(probe) or {}).get("exec") or {}).get("command")
            known = corridorctl_flags(bin_dir)
            if exec_command and exec_command[0] == "corridorctl" and known is not None:
                for arg in exec_command[1:]:
                    if arg.startswith("--") and arg[2:].split("=", 1)[0] not in known:
                        problem(f"{cw}.{probe}", f"corridorctl has no flag {arg}")
        for source in c.get("envFrom") or []:
            ref = (source.get("configMapRef") or {}).get("name")
            if ref and ref != "corridor-settings":
                problem(cw, f"envFrom names ConfigMap {ref}, which deploy/k8s does not define")
        mounts = {m["name"] for m in c.get("volumeMounts") or []}
        volumes = {v["name"] for v in spec.get("volumes") or []}
        volumes |= {t["metadata"]["name"] for t in spec.get("_claims", [])}
        for m in mounts - volumes:
            problem(cw, f"mounts volume {m}, which the pod does not declare")
    for v in spec.get("volumes") or []:
        secret = (v.get("secret") or {}).get("secretName")
        if secret and secret not in known_secrets:
            problem(where, f"volume {v['name']} uses Secret {secret}, which make-secrets.sh does not make")


def check_k8s(bin_dir):
    reached = set()
    try:
        rendered = render(K8S, K8S, reached)
    except RenderError as error:
        problem("deploy/k8s", f"cannot render as kustomize would: {error}")
        return 0
    for directory, _, names in os.walk(K8S):
        for name in sorted(names):
            path = os.path.realpath(os.path.join(directory, name))
            if name.endswith((".yaml", ".yml")) and path not in reached:
                problem(os.path.relpath(path, ROOT), "not reached from deploy/k8s/kustomization.yaml")
    make_secrets = open(os.path.join(K8S, "make-secrets.sh")).read()
    known_secrets = set(re.findall(r"create secret generic ([a-z-]+)", make_secrets))

    documents = [(o.where(), o.doc) for o in rendered]
    config_vars = set()
    for where, doc in documents:
        if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] == "corridor-settings":
            config_vars |= set(doc.get("data", {}))

    # A service's Service must be among the certificate's names, and every
    # Corridor StatefulSet among the peers.
    covered = re.search(r"for s in ([a-z -]+); do", make_secrets)
    covered = {f"corridor-{s}" for s in covered.group(1).split()} if covered else set()
    peers = ""
    for where, doc in documents:
        if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] == "corridor-settings":
            peers = str(doc.get("data", {}).get("CORRIDOR_PEERS", ""))
    for where, doc in documents:
        name = doc["metadata"]["name"]
        if doc.get("kind") == "Service" and name not in covered:
            problem(where, "make-secrets.sh tls does not put this Service's name in the certificate")
        if doc.get("kind") == "StatefulSet" and name.startswith("corridor-"):
            short = name[len("corridor-"):]
            if not any(p.startswith(f"{short}={name}:") for p in peers.split(",")):
                problem(where, f"CORRIDOR_PEERS in settings.yaml has no {short}={name}:PORT")

    pods = {}  # name -> (labels, container ports)
    for where, doc in documents:
        kind = doc.get("kind")
        if kind not in MODELS:
            problem(where, f"kind {kind} is not one this check knows; add it to MODELS")
            continue
        check_value(doc, MODELS[kind], where)
        check_required(doc, MODELS[kind], where)
        namespace = doc.get("metadata", {}).get("namespace")
        if kind != "Namespace" and namespace != "corridor":
            problem(where, f"namespace is {namespace!r}, not corridor")
        if kind in ("StatefulSet", "Deployment"):
            spec = doc["spec"]
            template = spec["template"]
            selector = spec["selector"]["matchLabels"]
            labels = template["metadata"].get("labels", {})
            if any(labels.get(k) != v for k, v in selector.items()):
                problem(where, "the selector does not match the pod template's labels")
            pod = dict(template["spec"])
            pod["_claims"] = spec.get("volumeClaimTemplates", [])
            check_pod(pod, where, config_vars, known_secrets, bin_dir)
            ports = {p.get("name") for c in pod["containers"] for p in c.get("ports", [])}
            pods[doc["metadata"]["name"]] = (labels, ports)
            if kind == "StatefulSet":
                if spec.get("replicas") != 1:
                    problem(where, "a service is the only writer of its RocksDB: replicas must be 1")
                for c in pod["containers"]:
                    if "resources" not in c or "limits" not in c["resources"]:
                        problem(where, f"container {c['name']} has no resource limits")
    for where, doc in documents:
        if doc.get("kind") != "Service":
            continue
        selector = doc["spec"].get("selector", {})
        matches = [n for n, (labels, _) in pods.items()
                   if all(labels.get(k) == v for k, v in selector.items())]
        if not matches:
            problem(where, f"selects no pod: {selector}")
        for port in doc["spec"].get("ports", []):
            target = port.get("targetPort")
            if isinstance(target, str) and not any(target in pods[m][1] for m in matches):
                problem(where, f"targetPort {target} is not a port of {matches}")
    return len(documents)


def check_apart_k8s(bin_dir, folder, namespace, who):
    """deploy/k8s-witness and deploy/k8s-mirror: what another organisation
    runs, in its own namespace. Rendered and checked against the API's
    schema as deploy/k8s is; its Secrets are the ones its kustomization.yaml
    says to create."""
    root = os.path.join(ROOT, "deploy", folder)
    reached = set()
    try:
        rendered = render(root, root, reached)
    except RenderError as error:
        problem(f"deploy/{folder}", f"cannot render as kustomize would: {error}")
        return 0
    instructions = open(os.path.join(root, "kustomization.yaml")).read()
    known_secrets = set(re.findall(r"create secret generic ([a-z-]+)", instructions))
    for o in rendered:
        where, doc = o.where(), o.doc
        kind = doc.get("kind")
        if kind not in MODELS:
            problem(where, f"kind {kind} is not one this check knows; add it to MODELS")
            continue
        check_value(doc, MODELS[kind], where)
        check_required(doc, MODELS[kind], where)
        if doc.get("metadata", {}).get("namespace") != namespace:
            problem(where, f"{who} runs apart from the operator: namespace {namespace}")
        if kind == "StatefulSet":
            pod = dict(doc["spec"]["template"]["spec"])
            pod["_claims"] = doc["spec"].get("volumeClaimTemplates", [])
            check_pod(pod, where, set(), known_secrets, bin_dir)
    return len(rendered)


# ---------------------------------------------------------------- docker
def check_compose():
    compose = os.path.join(DOCKER, "compose.yaml")
    tool = "/usr/bin/docker-compose"
    if not os.path.exists(tool):
        problem("deploy/docker/compose.yaml", "docker-compose is not installed (scripts/setup.sh)")
        return
    result = subprocess.run([tool, "-f", compose, "config", "-q"], capture_output=True, text=True)
    if result.returncode != 0:
        problem("deploy/docker/compose.yaml", result.stderr.strip())


@functools.lru_cache(maxsize=None)
def package_of(library):
    """The Debian package that installed a shared library, or None."""
    for path in (os.path.realpath(library), library):
        owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if owner.returncode == 0:
            return owner.stdout.split(":")[0]
    return None


def check_dockerfile(bin_dir):
    text = open(os.path.join(DOCKER, "Dockerfile")).read().replace("\\\n", " ")
    runtime = text[text.index("FROM debian:bookworm-slim"):]
    install = re.search(r"apt-get install -y --no-install-recommends([^&]+)", runtime).group(1)
    packages = set(install.split())
    binaries = sorted(set(re.findall(r"/src/build/bin/(corridor[a-z-]*)", runtime)))
    if not binaries:
        problem("deploy/docker/Dockerfile", "the runtime stage copies no binary")
    for binary in binaries:
        path = os.path.join(bin_dir, binary)
        if not os.path.exists(path):
            problem("deploy/docker/Dockerfile", f"copies {binary}, which the build does not make")
            continue
        ldd = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
        for library in re.findall(r"=> (/\S+)", ldd):
            package = package_of(library)
            if package is None:
                continue
            if package in ("libc6", "libgcc-s1", "libstdc++6"):
                continue  # in every Debian image
            if package not in packages:
                problem("deploy/docker/Dockerfile",
                        f"{binary} links {library} from {package}, which the runtime stage does not install")


def main():
    bin_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bin")
    self_test_renderer()
    count = check_k8s(bin_dir)
    count += check_apart_k8s(bin_dir, "k8s-witness", "corridor-witness", "a witness")
    count += check_apart_k8s(bin_dir, "k8s-mirror", "corridor-mirror", "a mirror")
    check_compose()
    check_dockerfile(bin_dir)
    for p in problems:
        print(f"check_deploy: {p}")
    if problems:
        print(f"check_deploy: {len(problems)} problem(s)")
        return 1
    print(f"check_deploy: {count} Kubernetes objects, the compose file and the Dockerfile are consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
