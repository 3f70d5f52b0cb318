package policy

// Kind is what a policy document is attached to, which decides the elements
// it must and must not carry.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
type Kind uint8

const (
	Identity Kind = iota // user/group/role inline or managed policy, permissions boundary, session policy: Principal/NotPrincipal not allowed
	Resource             // SQS queue policy, SNS topic policy: Principal or NotPrincipal required in every statement
	Trust                // IAM role trust policy: Principal required; actions must be sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity (or wildcards); Resource not allowed
	Key                  // KMS key policy: like Resource
)

func (k Kind) String() string {
	switch k {
	case Identity:
		return "identity"
	case Resource:
		return "resource"
	case Trust:
		return "trust"
	case Key:
		return "key"
	}
	return "unknown"
}

// The policy language versions.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
const (
	Version2012 = "2012-10-17" // current; the only one with policy variables
	Version2008 = "2008-10-17" // legacy; also what a document without Version means
)

// Policy is a parsed, validated, pre-compiled document; immutable and safe for
// concurrent use.
type Policy struct {
	// Version is the document's Version element as written: "2012-10-17",
	// "2008-10-17", or "" when it has none (2008-10-17 semantics).
	Version string
	// ID is the document's Id element, "" when it has none.
	ID string

	kind       Kind
	doc        string
	statements []statement
	principals []string // every AWS principal value named, in order
}

// Document returns the original JSON text.
func (p *Policy) Document() string { return p.doc }

// Kind returns the kind the policy was parsed as.
func (p *Policy) Kind() Kind { return p.kind }

// Sids returns the statements' Sid elements in order ("" for a statement
// without one).
func (p *Policy) Sids() []string {
	sids := make([]string, len(p.statements))
	for i := range p.statements {
		sids[i] = p.statements[i].sid
	}
	return sids
}

// AWSPrincipals returns every value of an "AWS" key in the Principal and
// NotPrincipal elements, in document order: account ids, ARNs, unique ids
// and "*". IAM uses it to refuse a trust policy naming a principal that does
// not exist ("Invalid principal in policy").
func (p *Policy) AWSPrincipals() []string {
	return append([]string(nil), p.principals...)
}

// ConditionUse is one (operator, key) pair of a statement's Condition.
type ConditionUse struct {
	Statement int    // statement index in the policy
	Operator  string // as written: "ForAllValues:StringLike"
	Key       string // lower-cased: "kms:encryptioncontext:aws:sqs:arn"
}

// Conditions lists every operator and key the policy's conditions use, so
// that a service can refuse what it refuses (KMS: a set operator on
// kms:EncryptionContext:…, OverlyPermissiveCondition).
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
func (p *Policy) Conditions() []ConditionUse {
	var uses []ConditionUse
	for i := range p.statements {
		for _, c := range p.statements[i].conds {
			uses = append(uses, ConditionUse{Statement: i, Operator: c.op, Key: c.key})
		}
	}
	return uses
}

// Error is a policy that AWS would reject: IAM answers MalformedPolicyDocument
// with Reason as the message.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

// Messages AWS returns for malformed documents (MalformedPolicyDocument), as
// the IAM API words them.
const (
	reasonSyntax             = "Syntax errors in policy."
	reasonNoPrincipalAllowed = "Policy document should not specify a principal."
	reasonMissingPrincipal   = "Missing required field Principal"
	reasonMissingStatement   = "Missing required field Statement"
	reasonMissingEffect      = "Missing required field Effect"
	reasonNoActions          = "Policy statement must contain actions."
	reasonNoResources        = "Policy statement must contain resources."
	reasonVendor             = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	reasonOneColon           = "Actions/Condition can contain only one colon."
	reasonLegacy             = "The policy failed legacy parsing"
	reasonDuplicateSid       = "Statement IDs (SID) in a single policy must be unique."
	reasonTrustActions       = "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity"
)
