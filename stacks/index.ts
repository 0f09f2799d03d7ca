import { loadSecurityConfig } from "../config";
import { parseStackName } from "./names";
import { securityStack } from "./security";
import { workloadStack } from "./workload";

export { isWorkloadStack, parseStackName, StackNameError } from "./names";
export type { StackKind, StackName } from "./names";

/**
 * Builds the program of the named stack and returns its outputs. `root` is the project folder whose
 * workload stack files the security stack reads (default: this project's).
 */
export function buildStack(stack: string, root?: string) {
    if (parseStackName(stack).kind !== "security") return workloadStack();
    return securityStack(loadSecurityConfig(stack, undefined, root));
}
