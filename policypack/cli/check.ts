/**
 * policy:check — runs the org-access-guard pack over planned resources or an existing stack.
 *
 *   policy:check [--json] [--config FILE] INPUT
 *
 * INPUT is a JSON file (or "-" for stdin) holding either {"resources": [{type, name, props}]} or
 * the output of `pulumi stack export`. Exit status (cli/exitCodes.ts): 0 no mandatory violation,
 * 1 one or more mandatory violations, 2 bad input or usage.
 */
import * as fs from "fs";
import { defineCommand, Io, runCommand, start, STDIO, UsageError } from "../../cli/command";
import { readableReport } from "./render";
import {
    CheckInputError,
    checkResources,
    loadPackConfig,
    PackConfigInput,
    PlannedResource,
} from "../runner";

export const USAGE = `usage: policy:check [--json] [--config FILE] INPUT

  INPUT          JSON file ("-" for stdin): {"resources": [{"type", "name", "props"}]}
                 or the output of \`pulumi stack export\`
  --json         print {"violations": [{"policy", "resource", "urn", "message", "enforcementLevel"}]}
  --config FILE  policy pack configuration, as for \`pulumi preview --policy-pack-config\`

exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad input or usage`;

interface Options {
    readonly json: boolean;
    readonly config?: string;
    readonly input: string;
}

export const command = defineCommand({
    usage: USAGE,
    options: { json: { type: "boolean" }, config: { type: "string" } },
    positionals: true,
    valueNames: { config: "a FILE" },
    build(values, positionals): Options {
        if (values.config === "") throw new UsageError("--config needs a FILE");
        if (positionals.length !== 1)
            throw new UsageError(
                positionals.length ? "give exactly one INPUT file" : "missing INPUT file",
            );
        return { json: values.json ?? false, config: values.config, input: positionals[0] };
    },
});

/** The engine's sentinel for an unknown string (@pulumi/policy proxy.js, marked internal there). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Decodes secrets of a stack export: plaintext when exported with --show-secrets, else unknown. */
function decodeSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(decodeSecrets);
    if (typeof v !== "object" || v === null) return v;
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] === SECRET_VALUE) {
        if (typeof o.plaintext === "string") {
            try {
                return decodeSecrets(JSON.parse(o.plaintext));
            } catch (e) {
                if (e instanceof SyntaxError) return o.plaintext;
                throw e;
            }
        }
        return UNKNOWN_STRING;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decodeSecrets(x);
    return out;
}

function nameFromUrn(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

function fromStackExport(resources: unknown[]): PlannedResource[] {
    const byUrn = new Map<string, Record<string, unknown>>();
    for (const r of resources) {
        if (
            typeof r === "object" &&
            r !== null &&
            typeof (r as Record<string, unknown>).urn === "string"
        ) {
            byUrn.set((r as Record<string, unknown>).urn as string, r as Record<string, unknown>);
        }
    }
    const out: PlannedResource[] = [];
    resources.forEach((raw, i) => {
        if (typeof raw !== "object" || raw === null)
            throw new CheckInputError(`deployment.resources[${i}] must be an object`);
        const r = raw as Record<string, unknown>;
        if (typeof r.urn !== "string" || typeof r.type !== "string")
            throw new CheckInputError(`deployment.resources[${i}] needs urn and type strings`);
        if (r.type === "pulumi:pulumi:Stack") return;
        const props = (decodeSecrets(r.inputs ?? r.outputs ?? {}) ?? {}) as Record<string, unknown>;
        const res: PlannedResource = { type: r.type, name: nameFromUrn(r.urn), urn: r.urn, props };
        if (typeof r.parent === "string" && r.parent !== "") res.parent = r.parent;
        if (typeof r.provider === "string" && r.provider !== "") {
            const providerUrn = r.provider.slice(0, r.provider.lastIndexOf("::"));
            const p = byUrn.get(providerUrn);
            const type = providerUrn.split("::")[2] ?? "";
            res.provider = {
                type: typeof p?.type === "string" ? p.type : type,
                name: nameFromUrn(providerUrn),
                urn: providerUrn,
                props: (decodeSecrets(p?.inputs ?? p?.outputs ?? {}) ?? {}) as Record<
                    string,
                    unknown
                >,
            };
        }
        out.push(res);
    });
    return out;
}

/** Accepts {"resources": [...]} or `pulumi stack export` output. */
export function resourcesFromInput(doc: unknown): PlannedResource[] {
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        throw new CheckInputError(
            'INPUT must be a JSON object: {"resources": [...]} or the output of `pulumi stack export`',
        );
    }
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o.resources)) return o.resources as PlannedResource[];
    const deployment = (o.deployment ??
        (o.checkpoint as Record<string, unknown> | undefined)?.latest) as
        Record<string, unknown> | undefined;
    if (deployment && typeof deployment === "object") {
        if (deployment.resources === undefined) return [];
        if (!Array.isArray(deployment.resources))
            throw new CheckInputError("deployment.resources must be an array");
        return fromStackExport(deployment.resources);
    }
    throw new CheckInputError(
        'INPUT has neither "resources" nor "deployment": expected {"resources": [...]} or the output of `pulumi stack export`',
    );
}

function readInput(file: string): unknown {
    let text: string;
    try {
        text = file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new CheckInputError(
            `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new CheckInputError(`${file} is not valid JSON (${(e as Error).message})`);
    }
}

export function main(argv: readonly string[], io: Io = STDIO): number {
    return runCommand(command, argv, io, (opts) => {
        const config: PackConfigInput | undefined = opts.config
            ? loadPackConfig(opts.config)
            : undefined;
        const resources = resourcesFromInput(readInput(opts.input));
        const violations = checkResources(resources, config);
        io.out.write(
            opts.json
                ? `${JSON.stringify({ violations }, null, 2)}\n`
                : `${readableReport(violations, resources.length)}\n`,
        );
        return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
    });
}

if (require.main === module) start(main);
