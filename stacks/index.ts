import { parseStackName } from "./names";
import { securityStack } from "./security";
import { workloadStack } from "./workload";

export { isWorkloadStack, parseStackName, StackNameError } from "./names";
export type { StackKind, StackName } from "./names";

/** Builds the program of the named stack and returns its outputs. */
export function buildStack(stack: string) {
    return parseStackName(stack).kind === "security" ? securityStack() : workloadStack();
}
