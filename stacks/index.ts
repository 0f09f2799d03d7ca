import { securityStack } from "./security";
import { workloadStack } from "./workload";

/** Whether a stack name selects the workload program: `workload`, or a shard such as `workload-prod`. */
export function isWorkloadStack(stack: string): boolean {
    return stack === "workload" || stack.startsWith("workload-");
}

/** Builds the program of the named stack and returns its outputs. */
export function buildStack(stack: string) {
    if (stack === "security") return securityStack();
    if (isWorkloadStack(stack)) return workloadStack();
    throw new Error(
        `unknown stack "${stack}": name it "security", "workload" or "workload-<shard>"`,
    );
}
