// What the readers of policy:check's INPUT share: the problem list they refuse an input with,
// and the checks of a type token and of unknown keys (policypack/cli/input.ts, ./pulumiJson.ts).
import { keyedProblems } from "../../cli/errors";
import { CheckInputError, PlannedResource } from "../runner";
import { tokenProblem } from "./tokens";

/** The engine's sentinel for an unknown string (@pulumi/policy proxy.js, marked internal there). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Format = "resources" | "plan" | "stack export" | "preview";

/** One stack's resources, as the pack runs over them. */
export interface CheckTarget {
    /** The stack, when the input holds several (`npm start -- --json` of both stacks). */
    readonly stack?: string;
    /** What was asked: `props`, a stack export's `inputs`, a preview's planned inputs. */
    readonly resources: PlannedResource[];
    /** A stack export's deployed state (`outputs`), checked as well: a refresh may differ. */
    readonly outputs?: PlannedResource[];
    /** How many resources the input lists for the stack (parents stood in for are not counted). */
    readonly count: number;
}

export interface CheckInput {
    readonly format: Format;
    readonly targets: CheckTarget[];
}

/** Collects what makes the input unreadable, to refuse it once with every problem. */
export class Problems {
    readonly list: string[] = [];
    add(where: string, problem: string): void {
        this.list.push(`${where}: ${problem}`);
    }
    throwIfAny(): void {
        if (this.list.length === 0) return;
        const n = this.list.length;
        throw new CheckInputError(
            `INPUT cannot be checked as it is (${n} problem${n === 1 ? "" : "s"}); nothing was checked:\n${this.list.map((p) => `* ${p}`).join("\n")}`,
            keyedProblems(this.list),
        );
    }
}

export type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj =>
    typeof v === "object" && v !== null && !Array.isArray(v);
export const nameFromUrn = (urn: string): string => urn.split("::").pop() ?? urn;
export const URN = /^urn:pulumi:[^:]*::[^:]*::.+::.*$/;
export const quoted = (keys: readonly string[]) => keys.map((k) => `"${k}"`).join(", ");

/** Keys people write for props, from the other formats or the SDK. */
const PROPS_ALIASES = ["inputs", "outputs", "properties", "args", "state", "newState"];

export function unknownKeys(
    o: Obj,
    known: readonly string[],
    where: string,
    problems: Problems,
): void {
    for (const k of Object.keys(o)) {
        if (known.includes(k)) continue;
        problems.add(
            where,
            PROPS_ALIASES.includes(k)
                ? `has "${k}", which this format does not read (rename it to "props")`
                : `has the key "${k}", which policy:check does not read (known: ${quoted(known)})`,
        );
    }
}

export function typeProblem(type: unknown, where: string, problems: Problems): void {
    if (typeof type !== "string" || type === "") {
        problems.add(where, 'needs "type", a Pulumi type token such as "aws:iam/role:Role"');
        return;
    }
    const problem = tokenProblem(type);
    if (problem) problems.add(where, problem);
}
