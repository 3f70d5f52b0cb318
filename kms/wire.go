package kms

import (
	"strconv"
	"time"
)

// The input and output shapes of the KMS API (AWS JSON 1.1): member names
// are the model's, blobs are base64 in JSON ([]byte), timestamps are epoch
// seconds. The shapes other services use in process (Encrypt, Decrypt,
// GenerateDataKey, DescribeKey) are exported; the rest are not.

// Timestamp is a time as KMS's JSON carries it: seconds since the epoch,
// with a fraction.
type Timestamp time.Time

func (t Timestamp) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	b := strconv.AppendInt(nil, ms/1000, 10)
	b = append(b, '.')
	frac := ms % 1000
	if frac < 0 {
		frac = -frac
	}
	if frac < 100 {
		b = append(b, '0')
	}
	if frac < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, frac, 10), nil
}

// timestamp is t as an optional member: nil for the zero time.
func timestamp(t time.Time) *Timestamp {
	if t.IsZero() {
		return nil
	}
	ts := Timestamp(t)
	return &ts
}

// KeyMetadata describes a key, as DescribeKey and CreateKey return it.
type KeyMetadata struct {
	AWSAccountId                string
	KeyId                       string
	Arn                         string
	CreationDate                Timestamp
	Enabled                     bool
	Description                 string
	KeyUsage                    string
	KeyState                    string
	DeletionDate                *Timestamp `json:",omitempty"`
	Origin                      string
	KeyManager                  string
	CustomerMasterKeySpec       string
	KeySpec                     string
	EncryptionAlgorithms        []string `json:",omitempty"`
	SigningAlgorithms           []string `json:",omitempty"`
	MacAlgorithms               []string `json:",omitempty"`
	MultiRegion                 bool
	PendingDeletionWindowInDays *int32 `json:",omitempty"`
}

// DescribeKeyInput names a key by id, ARN, alias name or alias ARN.
type DescribeKeyInput struct {
	KeyId       string
	GrantTokens []string `json:",omitempty"`
}

type DescribeKeyOutput struct {
	KeyMetadata KeyMetadata
}

// EncryptInput encrypts up to 4096 bytes under a key.
type EncryptInput struct {
	KeyId               string
	Plaintext           []byte
	EncryptionContext   map[string]string `json:",omitempty"`
	GrantTokens         []string          `json:",omitempty"`
	EncryptionAlgorithm string            `json:",omitempty"`
	DryRun              bool              `json:",omitempty"`
}

type EncryptOutput struct {
	CiphertextBlob      []byte
	KeyId               string // the key's ARN
	EncryptionAlgorithm string
}

// DecryptInput decrypts a ciphertext; the key comes from the ciphertext,
// and KeyId, when given, must name that key.
type DecryptInput struct {
	CiphertextBlob      []byte
	EncryptionContext   map[string]string `json:",omitempty"`
	GrantTokens         []string          `json:",omitempty"`
	KeyId               string            `json:",omitempty"`
	EncryptionAlgorithm string            `json:",omitempty"`
	DryRun              bool              `json:",omitempty"`
}

type DecryptOutput struct {
	KeyId               string // the key's ARN
	Plaintext           []byte
	EncryptionAlgorithm string
}

// GenerateDataKeyInput asks for a data key of KeySpec (AES_128, AES_256)
// or NumberOfBytes (1–1024) bytes.
type GenerateDataKeyInput struct {
	KeyId             string
	EncryptionContext map[string]string `json:",omitempty"`
	NumberOfBytes     *int32            `json:",omitempty"`
	KeySpec           string            `json:",omitempty"`
	GrantTokens       []string          `json:",omitempty"`
	DryRun            bool              `json:",omitempty"`
}

type GenerateDataKeyOutput struct {
	CiphertextBlob []byte
	Plaintext      []byte
	KeyId          string // the key's ARN
}

type generateDataKeyWithoutPlaintextOutput struct {
	CiphertextBlob []byte
	KeyId          string
}

type reEncryptInput struct {
	CiphertextBlob                 []byte
	SourceEncryptionContext        map[string]string
	SourceKeyId                    string
	DestinationKeyId               string
	DestinationEncryptionContext   map[string]string
	SourceEncryptionAlgorithm      string
	DestinationEncryptionAlgorithm string
	GrantTokens                    []string
	DryRun                         bool
}

type reEncryptOutput struct {
	CiphertextBlob                 []byte
	SourceKeyId                    string
	KeyId                          string
	SourceEncryptionAlgorithm      string
	DestinationEncryptionAlgorithm string
}

type generateRandomInput struct {
	NumberOfBytes    *int32
	CustomKeyStoreId string
}

type generateRandomOutput struct {
	Plaintext []byte
}

// tag is a key's tag as the API carries it.
type tag struct {
	TagKey   string
	TagValue string
}

type createKeyInput struct {
	Policy                         *string
	Description                    *string
	KeyUsage                       string
	CustomerMasterKeySpec          string
	KeySpec                        string
	Origin                         string
	CustomKeyStoreId               string
	BypassPolicyLockoutSafetyCheck bool
	Tags                           []tag
	MultiRegion                    bool
	XksKeyId                       string
}

type createKeyOutput struct {
	KeyMetadata KeyMetadata
}

// keyIDInput is every action's input that names just a key.
type keyIDInput struct {
	KeyId string
}

type listKeysInput struct {
	Limit  *int32
	Marker string
}

type keyListEntry struct {
	KeyId  string
	KeyArn string
}

type listKeysOutput struct {
	Keys       []keyListEntry
	NextMarker string `json:",omitempty"`
	Truncated  bool
}

type updateKeyDescriptionInput struct {
	KeyId       string
	Description *string
}

type scheduleKeyDeletionInput struct {
	KeyId               string
	PendingWindowInDays *int32
}

type scheduleKeyDeletionOutput struct {
	KeyId               string
	DeletionDate        Timestamp
	KeyState            string
	PendingWindowInDays int32
}

type cancelKeyDeletionOutput struct {
	KeyId string
}

type aliasInput struct {
	AliasName   string
	TargetKeyId string
}

type listAliasesInput struct {
	KeyId  string
	Limit  *int32
	Marker string
}

type aliasListEntry struct {
	AliasName       string
	AliasArn        string
	TargetKeyId     string     `json:",omitempty"`
	CreationDate    *Timestamp `json:",omitempty"`
	LastUpdatedDate *Timestamp `json:",omitempty"`
}

type listAliasesOutput struct {
	Aliases    []aliasListEntry
	NextMarker string `json:",omitempty"`
	Truncated  bool
}

type enableKeyRotationInput struct {
	KeyId                string
	RotationPeriodInDays *int32
}

type getKeyRotationStatusOutput struct {
	KeyId                     string
	KeyRotationEnabled        bool
	RotationPeriodInDays      *int32     `json:",omitempty"`
	NextRotationDate          *Timestamp `json:",omitempty"`
	OnDemandRotationStartDate *Timestamp `json:",omitempty"`
}

type rotateKeyOnDemandOutput struct {
	KeyId string
}

type listKeyRotationsInput struct {
	KeyId  string
	Limit  *int32
	Marker string
}

type rotationsListEntry struct {
	KeyId        string
	RotationDate Timestamp
	RotationType string
}

type listKeyRotationsOutput struct {
	Rotations  []rotationsListEntry
	NextMarker string `json:",omitempty"`
	Truncated  bool
}

type getKeyPolicyInput struct {
	KeyId      string
	PolicyName string
}

type getKeyPolicyOutput struct {
	Policy     string
	PolicyName string
}

type putKeyPolicyInput struct {
	KeyId                          string
	PolicyName                     string
	Policy                         string
	BypassPolicyLockoutSafetyCheck bool
}

type listKeyPoliciesInput struct {
	KeyId  string
	Limit  *int32
	Marker string
}

type listKeyPoliciesOutput struct {
	PolicyNames []string
	NextMarker  string `json:",omitempty"`
	Truncated   bool
}

// grantConstraints are a grant's encryption-context conditions.
type grantConstraints struct {
	EncryptionContextSubset map[string]string `json:",omitempty"`
	EncryptionContextEquals map[string]string `json:",omitempty"`
}

type createGrantInput struct {
	KeyId             string
	GranteePrincipal  string
	RetiringPrincipal string
	Operations        []string
	Constraints       *grantConstraints
	GrantTokens       []string
	Name              string
	DryRun            bool
}

type createGrantOutput struct {
	GrantId    string
	GrantToken string
}

type listGrantsInput struct {
	KeyId            string
	Limit            *int32
	Marker           string
	GrantId          string
	GranteePrincipal string
}

type listRetirableGrantsInput struct {
	RetiringPrincipal string
	Limit             *int32
	Marker            string
}

type grantListEntry struct {
	KeyId             string
	GrantId           string
	Name              string `json:",omitempty"`
	CreationDate      Timestamp
	GranteePrincipal  string
	RetiringPrincipal string `json:",omitempty"`
	IssuingAccount    string
	Operations        []string
	Constraints       *grantConstraints `json:",omitempty"`
}

type listGrantsOutput struct {
	Grants     []grantListEntry
	NextMarker string `json:",omitempty"`
	Truncated  bool
}

type retireGrantInput struct {
	GrantToken string
	KeyId      string
	GrantId    string
	DryRun     bool
}

type revokeGrantInput struct {
	KeyId   string
	GrantId string
	DryRun  bool
}

type tagResourceInput struct {
	KeyId string
	Tags  []tag
}

type untagResourceInput struct {
	KeyId   string
	TagKeys []string
}

type listResourceTagsInput struct {
	KeyId  string
	Limit  *int32
	Marker string
}

type listResourceTagsOutput struct {
	Tags       []tag
	NextMarker string `json:",omitempty"`
	Truncated  bool
}

type signInput struct {
	KeyId            string
	Message          []byte
	MessageType      string
	GrantTokens      []string
	SigningAlgorithm string
	DryRun           bool
}

type signOutput struct {
	KeyId            string
	Signature        []byte
	SigningAlgorithm string
}

type verifyInput struct {
	KeyId            string
	Message          []byte
	MessageType      string
	Signature        []byte
	SigningAlgorithm string
	GrantTokens      []string
	DryRun           bool
}

type verifyOutput struct {
	KeyId            string
	SignatureValid   bool
	SigningAlgorithm string
}

type getPublicKeyInput struct {
	KeyId       string
	GrantTokens []string
}

type getPublicKeyOutput struct {
	KeyId                 string
	PublicKey             []byte
	CustomerMasterKeySpec string
	KeySpec               string
	KeyUsage              string
	EncryptionAlgorithms  []string `json:",omitempty"`
	SigningAlgorithms     []string `json:",omitempty"`
}

type generateMacInput struct {
	KeyId        string
	Message      []byte
	MacAlgorithm string
	GrantTokens  []string
	DryRun       bool
}

type generateMacOutput struct {
	KeyId        string
	Mac          []byte
	MacAlgorithm string
}

type verifyMacInput struct {
	KeyId        string
	Message      []byte
	MacAlgorithm string
	Mac          []byte
	GrantTokens  []string
	DryRun       bool
}

type verifyMacOutput struct {
	KeyId        string
	MacValid     bool
	MacAlgorithm string
}

// recipientInfo is the Nitro Enclaves attestation some operations take;
// ferry has no enclaves.
type recipientInfo struct {
	AttestationDocument    []byte
	KeyEncryptionAlgorithm string
}

type generateDataKeyPairInput struct {
	KeyId             string
	KeyPairSpec       string
	EncryptionContext map[string]string
	GrantTokens       []string
	Recipient         *recipientInfo
	DryRun            bool
}

type generateDataKeyPairOutput struct {
	KeyId                    string
	KeyPairSpec              string
	PrivateKeyCiphertextBlob []byte
	PrivateKeyPlaintext      []byte `json:",omitempty"`
	PublicKey                []byte
}
