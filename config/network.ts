// Network conditions a reporter's AssumeRole may be pinned to: public source CIDR blocks
// (aws:SourceIp) and VPC endpoint ids (aws:SourceVpce). Pure checks, shared by the config schema
// and the audit role's own refusal to build a trust policy from bad input.
//
// aws:SourceIp is the caller's public address, and is absent from requests made through a VPC
// endpoint; aws:SourceVpce is present only in those. So a private range can never match, and a
// program that calls STS through an interface endpoint must be pinned by its endpoint id.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce
import { isNarrowIpRange } from "../policypack/iam/outsiders";
import { formatIp, parseIpRange } from "../policypack/iam/conditions";

/** A VPC endpoint id: `vpce-` and 8 or 17 lowercase hex digits. */
export const VPC_ENDPOINT_ID = /^vpce-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * Address blocks that are never a caller's public address: this network, RFC 1918, shared
 * address space (RFC 6598), loopback, link-local, IPv6 unique-local and link-local.
 */
const NOT_PUBLIC = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
];

/** An address as people write it: IPv6 with its longest run of zero groups as `::`. */
function shortIp(n: bigint, v6: boolean): string {
    const full = formatIp(n, v6);
    if (!v6) return full;
    const runs = [...`:${full}:`.matchAll(/:(0(?::0)+):/g)].sort(
        (a, b) => b[1].length - a[1].length,
    );
    return runs.length
        ? `:${full}:`.replace(`:${runs[0][1]}:`, "::").replace(/^:(?!:)|(?<!:):$/g, "")
        : full;
}

/** Why a value is not a usable aws:SourceIp block for a reporter, or undefined when it is. */
export function sourceIpProblem(value: string): string | undefined {
    const cidr = /^([0-9a-fA-F.:]+)\/(\d{1,3})$/.exec(value);
    const range = cidr ? parseIpRange(value) : undefined;
    if (!cidr || !range)
        return "must be a CIDR block such as 203.0.113.0/24 or 2001:db8:1234::/48 (one address is 203.0.113.7/32)";
    const exact = parseIpRange(cidr[1]);
    if (exact && exact.start !== range.start) {
        return `has address bits set beyond its /${cidr[2]} prefix; write the block as ${shortIp(range.start, range.v6)}/${cidr[2]}`;
    }
    if (!isNarrowIpRange(value)) {
        return `is broader than ${range.v6 ? "/32" : "/8"}: it admits far more than your own egress addresses (the policy pack counts it as everyone); list your public egress ranges`;
    }
    const inside = NOT_PUBLIC.find((block) => {
        const b = parseIpRange(block)!;
        return b.v6 === range.v6 && range.start >= b.start && range.end <= b.end;
    });
    if (inside) {
        return `lies in ${inside}, which is never a public source address: aws:SourceIp holds the caller's public address, and a call through a VPC endpoint carries no aws:SourceIp at all (pin those with sourceVpces)`;
    }
    return undefined;
}

/** Why a value is not a VPC endpoint id, or undefined when it is one. */
export function sourceVpceProblem(value: string): string | undefined {
    return VPC_ENDPOINT_ID.test(value)
        ? undefined
        : "must be a VPC endpoint id such as vpce-0123456789abcdef0 (vpce- and 8 or 17 lowercase hex digits)";
}
