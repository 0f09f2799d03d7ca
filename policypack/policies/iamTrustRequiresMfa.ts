/**
 * iam-trust-requires-mfa (mandatory): every Allow in a role trust policy that lets an account root,
 * an IAM user (or everyone) assume the role must require effective MFA, or instead an exact
 * sts:ExternalId (programmatic and third-party access).
 *
 * Effective MFA is `Bool aws:MultiFactorAuthPresent "true"`, an `aws:MultiFactorAuthAge` bound, or
 * a Deny-without-MFA statement covering the Allow. Not effective: BoolIfExists (the key is absent
 * for long-term access keys), Null (only tests presence), ForAllValues (true when absent), an
 * inverted value, or a second statement without the condition.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 *
 * Role principals are machines (a role session carries the MFA context of whoever created it, if
 * any, and cannot be required to re-authenticate); IAM Identity Center roles count as human only if
 * `ssoRolesAreHuman` is set. Web-identity federation (GitHub Actions and other OIDC providers) must
 * pin the audience and the subject's owner.
 */
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
    describeMfaState,
    findAssumeWithoutMfa,
    findWeakOidcTrust,
    HumanEntry,
    MfaFinding,
    statementLabel,
} from "../iam";
import { readDocument } from "./common";
import { resourceType, T } from "./types";

export const NAME = "iam-trust-requires-mfa";

interface Config {
    ssoRolesAreHuman: boolean;
    externalIdSatisfies: boolean;
}

interface RoleProps {
    assumeRolePolicy?: unknown;
}

function describeEntry(e: HumanEntry): string {
    switch (e.kind) {
        case "everyone":
            return e.raw.startsWith("NotPrincipal")
                ? "everyone not listed in NotPrincipal"
                : `anyone (${e.raw === "*" ? 'Principal "*"' : e.raw})`;
        case "account":
            return /^\d{12}$/.test(e.raw)
                ? `every IAM user of account ${e.raw}`
                : `every IAM user of account ${e.raw.replace(/^arn:[^:]*:iam::([^:]*):.*$/, "$1")} (${e.raw})`;
        case "sso-role":
            return `the IAM Identity Center role ${e.raw}`;
        default:
            return `the IAM user ${e.raw}`;
    }
}

export function mfaMessage(f: MfaFinding, externalIdSatisfies: boolean): string {
    const ext = f.witness.context["sts:externalid"];
    const extNote = externalIdSatisfies
        ? ext === undefined
            ? " and no sts:ExternalId"
            : ` and sts:ExternalId=${JSON.stringify(ext)}`
        : "";
    return (
        `assumeRolePolicy ${statementLabel(f.statement)} lets ${describeEntry(f.entry)} assume the role without MFA` +
        `${f.hints.length ? ` (${f.hints.join("; ")})` : ""}: a request with ${describeMfaState(f.witness)}${extNote} is allowed. ` +
        `Fix: add "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}} to this statement (not BoolIfExists, Null or ForAllValues), ` +
        `optionally with "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}` +
        (externalIdSatisfies
            ? `; for programmatic or third-party access require an exact "StringEquals": {"sts:ExternalId": "<id>"} instead.`
            : ".")
    );
}

export const iamTrustRequiresMfa: ResourceValidationPolicy = {
    name: NAME,
    description:
        "Role trust policies that let account roots or IAM users assume a role require effective MFA (or an exact sts:ExternalId); OIDC federation pins aud and the sub owner.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            ssoRolesAreHuman: {
                type: "boolean",
                default: false,
                description:
                    "Treat IAM Identity Center (AWSReservedSSO_*) role principals as humans that must present MFA.",
            },
            externalIdSatisfies: {
                type: "boolean",
                default: true,
                description:
                    "Accept an exact sts:ExternalId instead of MFA (programmatic and third-party access).",
            },
        },
    },
    validateResource: validateResourceOfType(
        resourceType<RoleProps>(T.Role),
        (role, args, report) => {
            const { ssoRolesAreHuman, externalIdSatisfies } = args.getConfig<Config>();
            // A malformed trust policy is reported by iam-policy-document-valid.
            const doc = readDocument(role.assumeRolePolicy, "trust");
            if (!doc) return;
            const opts = {
                ssoRolesAreHuman: ssoRolesAreHuman === true,
                externalIdSatisfies: externalIdSatisfies !== false,
            };
            for (const f of findAssumeWithoutMfa(doc, opts))
                report(mfaMessage(f, opts.externalIdSatisfies));
            for (const f of findWeakOidcTrust(doc))
                report(
                    `assumeRolePolicy ${statementLabel(f.statement)} trusts the web identity provider ${f.provider.raw}, but ${f.problems.join("; ")}. ` +
                        `Fix: ${f.fix} to this statement.`,
                );
        },
    ),
};
