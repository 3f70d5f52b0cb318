// Package iam is ferry's AWS Identity and Access Management: users,
// groups, roles, inline and managed policies, permissions boundaries, tags
// and access keys, over the query protocol (API version 2010-05-08), for
// every account at once. It is also where the rest of ferry learns who an
// access key stands for (Lookup), which policies apply to a principal
// (PoliciesFor), and what STS needs of roles (Role, ManagedPolicy). The
// policy language itself lives in iam/policy; handlers never evaluate
// policies: the emulator authorizes every request before its handler runs,
// from the IAM action and the target each entry of the action table names.
//
// Every policy document is parsed before anything is stored (a trust
// policy may name only users and roles that exist), and every change is
// durable before it is visible, so a request either takes effect whole or
// not at all.
//
// Deliberate differences from AWS:
//   - Accounts exist implicitly; IAM state is per account and global (the
//     region of a request plays no part).
//   - The root users of accounts sign with ferry's numeric root keys, so
//     CreateAccessKey needs a user (by name, or as the calling user).
//   - GetAccessKeyLastUsed reports every key as never used.
//   - Of AWS's managed policies, ferry offers AdministratorAccess,
//     ReadOnlyAccess, IAMFullAccess, AmazonSQSFullAccess,
//     AmazonSQSReadOnlyAccess, AmazonSNSFullAccess, AmazonSNSReadOnlyAccess
//     and AWSKeyManagementServicePowerUser, each with its one current
//     version. ReadOnlyAccess keeps only the statements for the services
//     ferry serves.
//   - Changes are visible at once: there is no eventual consistency.
//
// This package carries no compatibility promise; the emulator package does.
package iam
