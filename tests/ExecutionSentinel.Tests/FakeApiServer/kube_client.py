"""Drives the official Kubernetes Python client (Debian's python3-kubernetes) for the fake API server's tests.

Reads one JSON request per line on stdin and answers with JSON lines on stdout (a watch answers with one line per
event, then {"end": true}). Each request names its server, token and trusted certificate authority
(host, token, ca_file), so one process serves many tests in turn. Every answer is flushed at once, so a test can read it as it comes.
"""

import json
import sys

from kubernetes import client, stream, watch
from kubernetes.client.rest import ApiException
from kubernetes.watch.watch import iter_resp_lines


_CLIENTS = {}


def apis(request):
    """The API objects for the request's server and token (cached: a process serves many tests in turn)."""
    key = (request["host"], request.get("token") or "", request.get("ca_file") or "")
    if key not in _CLIENTS:
        cfg = client.Configuration()
        cfg.host = key[0]
        if key[2]:
            cfg.ssl_ca_cert = key[2]
        if key[1]:
            cfg.api_key = {"authorization": "Bearer " + key[1]}
        api = client.ApiClient(cfg)
        _CLIENTS[key] = {
            "pods": (client.CoreV1Api(api), "pod"),
            "configmaps": (client.CoreV1Api(api), "config_map"),
            "jobs": (client.BatchV1Api(api), "job"),
            "leases": (client.CoordinationV1Api(api), "lease"),
        }
    return _CLIENTS[key]


def method(request, verb, resource=None):
    api, suffix = apis(request)[resource or request["resource"]]
    return getattr(api, "%s_namespaced_%s" % (verb, suffix))


def say(answer):
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def failure(exc):
    try:
        body = json.loads(exc.body) if exc.body else None
    except ValueError:
        body = exc.body
    return {"ok": False, "status": exc.status, "reason": exc.reason, "body": body}


def summary(obj):
    metadata = obj.get("metadata") or {}
    status = obj.get("status") or {}
    return {
        "kind": obj.get("kind"),
        "name": metadata.get("name"),
        "rv": metadata.get("resourceVersion"),
        "labels": metadata.get("labels") or {},
        "phase": status.get("phase") if isinstance(status, dict) else None,
        "deletionTimestamp": metadata.get("deletionTimestamp"),
        "deletionGracePeriodSeconds": metadata.get("deletionGracePeriodSeconds"),
    }


def options(request):
    """The keyword arguments of a list/watch call that the request sets."""
    names = ["label_selector", "field_selector", "resource_version", "resource_version_match", "limit",
             "timeout_seconds", "allow_watch_bookmarks"]
    found = {name: request[name] for name in names if request.get(name) is not None}
    if request.get("continue"):
        found["_continue"] = request["continue"]
    return found


def do_list(request):
    response = method(request, "list")(request["namespace"], _preload_content=False, **options(request))
    body = json.loads(response.data)
    metadata = body.get("metadata") or {}
    answer = {"ok": True, "resourceVersion": metadata.get("resourceVersion"), "continue": metadata.get("continue"),
              "remainingItemCount": metadata.get("remainingItemCount"), "items": [summary(i) for i in body["items"]]}
    if request.get("typed"):
        # Also through the client's models: its own date parsing must accept what the server wrote.
        typed = method(request, "list")(request["namespace"], **options(request))
        answer["typed"] = [{"name": i.metadata.name, "creationTimestamp": i.metadata.creation_timestamp.isoformat()} for i in typed.items]
    if request.get("raw"):
        answer["raw"] = body
    return answer


def do_get(request):
    response = method(request, "read")(request["name"], request["namespace"], _preload_content=False)
    body = json.loads(response.data)
    return {"ok": True, "object": summary(body), "raw": body}


def do_delete(request):
    body = client.V1DeleteOptions(grace_period_seconds=request.get("grace_period_seconds"),
                                  propagation_policy=request.get("propagation_policy"))
    response = method(request, "delete")(request["name"], request["namespace"], body=body, _preload_content=False)
    return {"ok": True, "object": summary(json.loads(response.data))}


def do_create(request):
    response = method(request, "create")(request["namespace"], request["body"], _preload_content=False)
    return {"ok": True, "object": summary(json.loads(response.data))}


def do_exec(request):
    ws = stream.stream(apis(request)["pods"][0].connect_get_namespaced_pod_exec, request["name"], request["namespace"],
                       container=request.get("container"), command=request["command"],
                       stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
    ws.run_forever(timeout=30)
    return {"ok": True, "stdout": ws.read_stdout(), "stderr": ws.read_stderr(), "returncode": ws.returncode}


def do_watch(request):
    """The client's own Watch: events as it hands them out; an ERROR event becomes its ApiException."""
    w = watch.Watch()
    left = request.get("max_events")
    try:
        for event in w.stream(method(request, "list"), request["namespace"], **options(request)):
            raw = event["raw_object"]
            say({"event": event["type"], **summary(raw)})
            if left is not None:
                left -= 1
                if left <= 0:
                    w.stop()
    except ApiException as exc:
        say({"error": exc.status, "reason": exc.reason})
    return {"end": True}


def do_watch_raw(request):
    """The watch stream's lines exactly as the server sent them."""
    response = method(request, "list")(request["namespace"], watch=True, _preload_content=False, **options(request))
    left = request.get("max_events")
    for line in iter_resp_lines(response):
        say({"line": json.loads(line)})
        if left is not None:
            left -= 1
            if left <= 0:
                break
    response.close()
    return {"end": True}


OPERATIONS = {
    "list": do_list,
    "get": do_get,
    "delete": do_delete,
    "create": do_create,
    "exec": do_exec,
    "watch": do_watch,
    "watch_raw": do_watch_raw,
}


def main():
    say({"ready": True})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            say(OPERATIONS[request["op"]](request))
        except ApiException as exc:
            say(failure(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the test, which decides
            say({"ok": False, "status": None, "reason": "%s: %s" % (type(exc).__name__, exc)})


if __name__ == "__main__":
    main()
