/**
 * aws-provider-allowed-accounts (mandatory): every AWS provider is pinned to exactly one account
 * with allowedAccountIds, so a wrong credential or role can never deploy into another account. A
 * resource without an explicit provider silently uses the default one (pulumi/pulumi#16171), so
 * default providers are checked too.
 * https://www.pulumi.com/registry/packages/aws/api-docs/provider/#allowedaccountids_nodejs
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { objectArray, stringArray } from "./common";
import { T } from "./types";

export const NAME = "aws-provider-allowed-accounts";

interface Config {
    maxAllowedAccounts: number;
    requireAssumeRole: boolean;
}

interface ProviderLike {
    name: string;
    urn: string;
    props: Record<string, unknown>;
}

function problemsOf(p: ProviderLike, cfg: Config): string[] {
    const out: string[] = [];
    const ids = stringArray(p.props.allowedAccountIds);
    const max = cfg.maxAllowedAccounts ?? 1;
    if (ids.length === 0) out.push("allowedAccountIds is not set");
    else if (ids.length > max)
        out.push(`allowedAccountIds lists ${ids.length} accounts (at most ${max} allowed)`);
    const bad = ids.filter((id) => !/^\d{12}$/.test(id));
    if (bad.length)
        out.push(
            `allowedAccountIds has values that are not 12-digit account ids: ${bad.join(", ")}`,
        );
    if (cfg.requireAssumeRole === true) {
        const roles = objectArray(p.props.assumeRoles).concat(
            objectArray(p.props.assumeRole ? [p.props.assumeRole] : []),
        );
        if (!roles.some((r) => typeof r.roleArn === "string" && r.roleArn !== ""))
            out.push("it does not assume a role (set assumeRoles)");
    }
    return out;
}

export const awsProviderAllowedAccounts: StackValidationPolicy = {
    name: NAME,
    description:
        "Every AWS provider, including default providers, pins allowedAccountIds to one account.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            maxAllowedAccounts: {
                type: "integer",
                minimum: 1,
                default: 1,
                description: "Most accounts one provider may list in allowedAccountIds.",
            },
            requireAssumeRole: {
                type: "boolean",
                default: false,
                description: "Also require every AWS provider to assume a role (assumeRoles).",
            },
        },
    },
    validateStack: (args, report) => {
        const cfg = args.getConfig<Config>();
        const seen = new Set<string>();
        const check = (p: ProviderLike, reportUrn: string | undefined): void => {
            if (seen.has(p.urn)) return;
            seen.add(p.urn);
            const problems = problemsOf(p, cfg);
            if (problems.length) {
                report(
                    `AWS provider "${p.name}" is not pinned to one account: ${problems.join("; ")}. Fix: set allowedAccountIds: ["<the one account id this provider deploys to>"].`,
                    reportUrn,
                );
            }
        };
        const byUrn = new Map<string, PolicyResource>();
        for (const r of args.resources) byUrn.set(r.urn, r);
        for (const r of args.resources) if (r.type === T.AwsProvider) check(r, r.urn);
        // Providers the engine attached to resources but that are not in the list (default providers).
        for (const r of args.resources) {
            const p = r.provider;
            if (!p || p.type !== T.AwsProvider || byUrn.has(p.urn)) continue;
            check(p, r.urn);
        }
    },
};
