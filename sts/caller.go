package sts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam"
	"github.com/ferry-emulator/ferry/persist"
)

// GetCallerIdentity, GetSessionToken, GetAccessKeyInfo and
// DecodeAuthorizationMessage.

// getCallerIdentity answers who the caller is; it is never denied
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
func (s *Service) getCallerIdentity(_ context.Context, req *api.Request, _ *getCallerIdentityInput) (*getCallerIdentityOutput, error) {
	p := req.Principal
	return &getCallerIdentityOutput{UserID: p.UserID, Account: p.Account, Arn: p.ARN}, nil
}

// getSessionToken issues temporary credentials for the calling user or
// root: 900 s to 36 h, 12 h by default, at most one hour for a root. MFA is
// not modelled: SerialNumber and TokenCode are checked for form only.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
func (s *Service) getSessionToken(_ context.Context, req *api.Request, in *getSessionTokenInput) (*getSessionTokenOutput, error) {
	var v validation
	v.duration(in.DurationSeconds, maxTokenDuration)
	v.str(in.SerialNumber, "serialNumber", false, 9, 256, serialNumberRE, serialNumberPattern)
	v.str(in.TokenCode, "tokenCode", false, 6, 6, tokenCodeRE, tokenCodePattern)
	if err := v.Err(); err != nil {
		return nil, err
	}
	p := req.Principal
	if (p.Type != api.PrincipalUser && p.Type != api.PrincipalRoot) || s.session(req.AccessKeyID) != nil {
		return nil, errAccessDenied("Cannot call GetSessionToken with session credentials")
	}
	duration := defaultTokenDuration
	if in.DurationSeconds != nil {
		duration = int(*in.DurationSeconds)
	}
	if p.Type == api.PrincipalRoot && duration > rootMaxTokenDuration {
		duration = rootMaxTokenDuration // AWS shortens a root's session rather than refusing it
	}
	now := s.now()
	ses := &session{
		Issued: now, Expires: now.Add(time.Duration(duration) * time.Second),
		Account: p.Account, Type: p.Type, ARN: p.ARN, UserID: p.UserID, Name: p.Name,
	}
	for k, val := range p.Tags {
		ses.Tags = append(ses.Tags, tag{Key: k, Value: val})
	}
	newCredentials(ses)
	if err := s.add(ses); err != nil {
		return nil, err
	}
	return &getSessionTokenOutput{Credentials: credentialsOf(ses)}, nil
}

// getAccessKeyInfo names the account an access key belongs to, decoded
// from the key id as AWS does, whether or not the key exists. ferry's root
// keys ("test" and 12-digit account ids) are answered too.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
func (s *Service) getAccessKeyInfo(_ context.Context, req *api.Request, in *getAccessKeyInfoInput) (*getAccessKeyInfoOutput, error) {
	if in.AccessKeyId != nil {
		switch id := *in.AccessKeyId; {
		case id == "test":
			return &getAccessKeyInfoOutput{Account: "000000000000"}, nil
		case len(id) == 12 && strings.Trim(id, "0123456789") == "":
			return &getAccessKeyInfoOutput{Account: id}, nil
		}
	}
	var v validation
	v.str(in.AccessKeyId, "accessKeyId", true, 16, 128, accessKeyIDRE, accessKeyIDPattern)
	if err := v.Err(); err != nil {
		return nil, err
	}
	account, ok := iam.AccountOfAccessKey(*in.AccessKeyId)
	if !ok {
		return nil, errInvalidParameterValue("The access key ID %s is not valid.", *in.AccessKeyId)
	}
	return &getAccessKeyInfoOutput{Account: account}, nil
}

// Authorization messages: ferry's encoded form is
// base64url(message) "." base64url(HMAC-SHA256(key, message)), under a key
// kept in the store, so that only messages ferry made decode.

const messageKeyBucket = "sts.keys"

func messageKeyName() []byte { return persist.Key("", globalRegion, "authorization-message") }

// loadMessageKey reads the message key, making one on first start.
func (s *Service) loadMessageKey() error {
	if s.store != nil {
		k, ok, err := s.store.Get(messageKeyBucket, messageKeyName())
		if err != nil {
			return err
		}
		if ok && len(k) == 32 {
			s.msgKey = k
			return nil
		}
	}
	s.msgKey = randomBytes(32)
	if s.store == nil {
		return nil
	}
	return s.store.Update(persist.Write{Bucket: messageKeyBucket, Key: messageKeyName(), Value: s.msgKey})
}

// EncodeAuthorizationMessage encodes the details of a denial (AWS's JSON
// with "allowed", "explicitDeny", "matchedStatements", "context") so that
// DecodeAuthorizationMessage gives them back.
func (s *Service) EncodeAuthorizationMessage(decoded string) string {
	mac := hmac.New(sha256.New, s.msgKey)
	mac.Write([]byte(decoded))
	return base64.RawURLEncoding.EncodeToString([]byte(decoded)) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// decodeAuthorizationMessage decodes a message ferry encoded; anything else
// is InvalidAuthorizationMessageException.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
func (s *Service) decodeAuthorizationMessage(_ context.Context, req *api.Request, in *decodeAuthorizationMessageInput) (*decodeAuthorizationMessageOutput, error) {
	var v validation
	v.str(in.EncodedMessage, "encodedMessage", true, 1, 10240, nil, "")
	if err := v.Err(); err != nil {
		return nil, err
	}
	body, sig, ok := strings.Cut(*in.EncodedMessage, ".")
	if !ok {
		return nil, errInvalidAuthorizationMessage()
	}
	msg, err1 := base64.RawURLEncoding.DecodeString(body)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return nil, errInvalidAuthorizationMessage()
	}
	want := hmac.New(sha256.New, s.msgKey)
	want.Write(msg)
	if !hmac.Equal(mac, want.Sum(nil)) {
		return nil, errInvalidAuthorizationMessage()
	}
	return &decodeAuthorizationMessageOutput{DecodedMessage: string(msg)}, nil
}
