// "The previous plan": every successful plan of a stack saves its resources, as its --json lists
// them, to a local file (.org-access/plans/<stack>.json; ORG_ACCESS_PLAN_STATE moves the folder),
// and the next plan of the stack says what is new, changed or removed since. A local file, not
// what is deployed: comparing with the deployed state is --against (a `pulumi stack export`).
// A saved plan that cannot be read is ignored with a note; it never fails a plan.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../config/stackFile";
import { accountNames } from "./accountNames";
import { parseAgainst, PriorStack } from "./against";
import { diffStack, StackChanges, StackDiff, withRoleErrors } from "./diff";
import { planExitCode, StackPlan } from "./offline";
import { resourcesJson } from "./render";
import { PlanResult, PROJECT } from "./run";
import { StackBaseline } from "./summary";

/** The folder of the saved plans; tests point it at a temporary folder. */
export const PLAN_STATE_ENV = "ORG_ACCESS_PLAN_STATE";
/** The saved file's format; a file of another format (an older version's) is ignored. */
export const SAVED_PLAN_FORMAT = "org-access-saved-plan/1";

/** Where plans are saved: ORG_ACCESS_PLAN_STATE, else `.org-access/plans` in the project folder (-C). */
export function planStateDir(
    env: NodeJS.ProcessEnv = process.env,
    root: string = PROJECT_ROOT,
): string {
    return env[PLAN_STATE_ENV] || path.join(root, ".org-access", "plans");
}

/**
 * The file of a stack's saved plan. A plan of another stack file (--config-file) keeps its own,
 * named after the file's path, so that a variant never stands for the stack file's plan.
 */
export function savedPlanFile(stack: string, configFile?: string, dir = planStateDir()): string {
    const variant = configFile
        ? `.${crypto.createHash("sha256").update(path.resolve(configFile)).digest("hex").slice(0, 12)}`
        : "";
    return path.join(dir, `${stack}${variant}.json`);
}

export type PreviousPlan =
    | {
          readonly status: "found";
          readonly file: string;
          /** When it was planned, ISO 8601. */
          readonly plannedAt: string;
          readonly prior: PriorStack;
      }
    | { readonly status: "none"; readonly file: string }
    | { readonly status: "unreadable"; readonly file: string; readonly reason: string };

/** The saved plan of a stack, if there is one that can be compared with. Never throws. */
export function readPreviousPlan(
    stack: string,
    configFile?: string,
    dir = planStateDir(),
): PreviousPlan {
    const file = savedPlanFile(stack, configFile, dir);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return { status: "none", file };
        return { status: "unreadable", file, reason: (e as Error).message };
    }
    const unreadable = (reason: string): PreviousPlan => ({ status: "unreadable", file, reason });
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        return unreadable(`not JSON: ${(e as Error).message}`);
    }
    const saved = value as { format?: unknown; plannedAt?: unknown; stack?: unknown };
    if (typeof value !== "object" || value === null || saved.format !== SAVED_PLAN_FORMAT)
        return unreadable(
            `saved in another format (${JSON.stringify(saved?.format ?? null)}, not "${SAVED_PLAN_FORMAT}")`,
        );
    if (typeof saved.plannedAt !== "string" || Number.isNaN(Date.parse(saved.plannedAt)))
        return unreadable('no "plannedAt" date');
    if (saved.stack !== stack) return unreadable(`a plan of stack ${JSON.stringify(saved.stack)}`);
    try {
        const [prior] = parseAgainst(value, file, PROJECT);
        return { status: "found", file, plannedAt: saved.plannedAt, prior };
    } catch (e) {
        return unreadable((e as Error).message.replace(/\n/g, " "));
    }
}

/**
 * Saves a stack's plan for the next one to compare with: its resources as --json lists them
 * (plan/render.ts resourcesJson), which --against reads too. Written to a temporary file and
 * renamed, so that a plan interrupted, or run twice at once, never leaves half a file.
 */
export function savePlan(
    stack: string,
    resources: readonly unknown[],
    configFile?: string,
    dir = planStateDir(),
    now = new Date(),
): string {
    const file = savedPlanFile(stack, configFile, dir);
    fs.mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(
        temp,
        JSON.stringify({
            format: SAVED_PLAN_FORMAT,
            plannedAt: now.toISOString(),
            stack,
            ...(configFile ? { configFile: path.resolve(configFile) } : {}),
            resources,
        }),
    );
    fs.renameSync(temp, file);
    return file;
}

/** `2026-11-26T12:00Z`: a plan's time to the minute, in UTC. */
export function minute(iso: string): string {
    return `${new Date(iso).toISOString().slice(0, 16)}Z`;
}

/** A path as the user would type it from here. */
function shown(file: string): string {
    const rel = path.relative(process.cwd(), file);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/**
 * What each planned stack is compared with when no --against is given: its previous plan. The
 * stacks with one are diffed together, as --against diffs them (a role deleted in one stack and
 * created in another is a move), but their role errors are warnings: a local file is not what is
 * deployed.
 */
export function previousBaselines(
    results: readonly PlanResult[],
    previous: ReadonlyMap<string, PreviousPlan>,
    elsewhere: ReadonlyMap<string, string> = new Map(),
): Map<string, StackBaseline> {
    const changes: StackChanges[] = [];
    for (const r of results) {
        const p = previous.get(r.stack);
        if (p?.status === "found") changes.push(diffStack(p.prior, r.resources, accountNames(r)));
    }
    const diffs = withRoleErrors(changes, elsewhere);
    const baselines = new Map<string, StackBaseline>();
    for (const r of results) {
        const p = previous.get(r.stack);
        if (!p) continue;
        if (p.status === "found")
            baselines.set(r.stack, {
                against: `the previous plan of ${minute(p.plannedAt)} (${shown(p.file)})`,
                diff: diffs.find((d) => d.stack === r.stack),
                errorsAreWarnings: true,
            });
        else if (p.status === "none")
            baselines.set(r.stack, {
                note: `no previous plan: everything new (a plan that passes is saved to ${shown(p.file)} for the next one to compare with)`,
            });
        else
            baselines.set(r.stack, {
                note: `note: the previous plan ${shown(p.file)} is ignored (${p.reason}); this plan replaces it`,
            });
    }
    return baselines;
}

/**
 * Saves the plan of each stack that passed (exit 0 on its own: no mandatory violation, evidence
 * mismatch or failed proof, no --against error), for the next plan to compare with. A file that
 * cannot be written is a warning, never a failed plan.
 */
export function saveSuccessfulPlans(
    plans: readonly StackPlan[],
    diffs: readonly StackDiff[] | undefined,
    configFile: string | undefined,
    warn: (line: string) => void,
    dir = planStateDir(),
): void {
    for (const p of plans) {
        const stack = p.result.stack;
        if (planExitCode([p]) !== 0) continue;
        if (diffs?.some((d) => d.stack === stack && d.errors.length > 0)) continue;
        try {
            savePlan(stack, resourcesJson(p.result), configFile, dir);
        } catch (e) {
            warn(
                `warning: stack "${stack}": cannot save the plan for the next one to compare with (${(e as Error).message}); set ${PLAN_STATE_ENV} to a folder that can be written`,
            );
        }
    }
}
