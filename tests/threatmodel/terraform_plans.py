"""Small `terraform show -json` documents built in tests, one resource type at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class R:
    """A resource of a test plan: its values, what it refers to, what is unknown."""

    type: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, list[str]] = field(default_factory=dict)  # attribute -> addresses
    unknown: dict[str, Any] = field(default_factory=dict)
    action: str = "create"
    module: str = ""  # "module.app." for a resource in a child module
    count: int | None = None

    @property
    def address(self) -> str:
        return f"{self.module}{self.type}.{self.name}"


def plan(*resources: R, format_version: str = "1.2") -> dict[str, Any]:
    root: dict[str, Any] = {"resources": [], "child_modules": []}
    modules: dict[str, dict[str, Any]] = {}
    config_root: dict[str, Any] = {"resources": [], "module_calls": {}}
    changes = []
    for resource in resources:
        instances = [None] if resource.count is None else list(range(resource.count))
        target = root
        if resource.module:
            target = modules.setdefault(
                resource.module, {"address": resource.module.rstrip("."), "resources": []}
            )
        for index in instances:
            address = resource.address + ("" if index is None else f"[{index}]")
            item = {
                "address": address,
                "mode": "managed",
                "type": resource.type,
                "name": resource.name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "schema_version": 0,
                "values": resource.values,
                "sensitive_values": {},
            }
            if index is not None:
                item["index"] = index
            target["resources"].append(item)
            actions = {"replace": ["delete", "create"]}.get(resource.action, [resource.action])
            changes.append(
                {
                    "address": address,
                    "type": resource.type,
                    "name": resource.name,
                    "change": {
                        "actions": actions,
                        "before": None,
                        "after": resource.values,
                        "after_unknown": resource.unknown,
                    },
                }
            )
        expressions = {
            attribute: {"references": [f"{a}.arn" for a in targets] + list(targets)}
            for attribute, targets in resource.refs.items()
        }
        config = {
            "address": f"{resource.type}.{resource.name}",
            "mode": "managed",
            "type": resource.type,
            "name": resource.name,
            "expressions": expressions,
        }
        if resource.module:
            name = resource.module.split(".")[1]
            call = config_root["module_calls"].setdefault(
                name, {"source": f"./{name}", "module": {"resources": []}}
            )
            # References inside a module are written relative to it.
            for expression in expressions.values():
                expression["references"] = [
                    r.removeprefix(resource.module) for r in expression["references"]
                ]
            call["module"]["resources"].append(config)
        else:
            config_root["resources"].append(config)
    root["child_modules"] = list(modules.values())
    return {
        "format_version": format_version,
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": root},
        "resource_changes": changes,
        "configuration": {"root_module": config_root},
    }
