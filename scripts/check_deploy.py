#!/usr/bin/python3
"""Checks deploy/ without a cluster or a Docker daemon (neither runs here).

  scripts/check_deploy.py [BUILD_BIN_DIR]

- Kubernetes (deploy/k8s): every document is checked field by field against
  the API's schema as Debian's python3-kubernetes models describe it
  (unknown fields, wrong types and missing required fields are errors),
  then for consistency: every file is in kustomization.yaml, every
  ConfigMap, Secret and $(VARIABLE) a pod uses is defined or made by
  make-secrets.sh, every Service selects a pod template and names ports the
  containers have, and every flag given to a Corridor binary is one it has.
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
    kustomization = yaml.safe_load(open(os.path.join(K8S, "kustomization.yaml")))
    listed = set(kustomization.get("resources", []))
    files = sorted(f for f in os.listdir(K8S) if f.endswith(".yaml") and f != "kustomization.yaml")
    for f in files:
        if f not in listed:
            problem(f"deploy/k8s/{f}", "not listed in kustomization.yaml")
    for f in listed:
        if f not in files:
            problem("deploy/k8s/kustomization.yaml", f"lists {f}, which does not exist")
    make_secrets = open(os.path.join(K8S, "make-secrets.sh")).read()
    known_secrets = set(re.findall(r"create secret generic ([a-z-]+)", make_secrets))

    documents = []
    for f in files:
        with open(os.path.join(K8S, f)) as stream:
            for i, doc in enumerate(yaml.safe_load_all(stream)):
                if doc is not None:
                    documents.append((f"deploy/k8s/{f}#{i}", doc))
    config_vars = set()
    for where, doc in documents:
        if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] == "corridor-settings":
            config_vars |= set(doc.get("data", {}))

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
    count = check_k8s(bin_dir)
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
