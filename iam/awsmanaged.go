package iam

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"time"

	"github.com/ferry-emulator/ferry/iam/policy"
)

// The AWS managed policies ferry offers in every account
// (arn:aws:iam::aws:policy/NAME): the documents of AWS's Managed Policy
// Reference (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/),
// with their current version ids and dates. ReadOnlyAccess is the one
// exception: AWS's document lists read actions of every AWS service; ferry's
// keeps the statements for the services ferry serves.

type awsManaged struct {
	name, description, version string
	created, updated           string // RFC 3339
	document                   string
}

func awsManagedData() []awsManaged {
	return []awsManaged{
		{
			name: "AdministratorAccess", description: "Provides full access to AWS services and resources.",
			version: "v1", created: "2015-02-06T18:39:46Z", updated: "2015-02-06T18:39:46Z",
			document: `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : "*",
      "Resource" : "*"
    }
  ]
}`,
		},
		{
			name: "ReadOnlyAccess", description: "Provides read-only access to AWS services and resources.",
			version: "v1", created: "2015-02-06T18:39:48Z", updated: "2015-02-06T18:39:48Z",
			document: `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Sid" : "ReadOnlyActions",
      "Effect" : "Allow",
      "Action" : [
        "iam:Generate*",
        "iam:Get*",
        "iam:List*",
        "iam:Simulate*",
        "iot:Describe*",
        "iot:Get*",
        "iot:List*",
        "kms:Describe*",
        "kms:Get*",
        "kms:List*",
        "sns:Check*",
        "sns:Get*",
        "sns:List*",
        "sqs:Get*",
        "sqs:List*",
        "sqs:Receive*",
        "sts:GetAccessKeyInfo"
      ],
      "Resource" : "*"
    }
  ]
}`,
		},
		{
			name: "AmazonSQSFullAccess", description: "Provides full access to Amazon SQS via the AWS Management Console.",
			version: "v1", created: "2015-02-06T18:41:07Z", updated: "2015-02-06T18:41:07Z",
			document: `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Action" : [
        "sqs:*"
      ],
      "Effect" : "Allow",
      "Resource" : "*"
    }
  ]
}`,
		},
		{
			name: "AmazonSQSReadOnlyAccess", description: "Provides read only access to Amazon SQS via the AWS Management Console.",
			version: "v4", created: "2015-02-06T18:41:08Z", updated: "2024-05-24T18:16:00Z",
			document: `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Sid" : "AmazonSQSReadOnlyAccess",
      "Effect" : "Allow",
      "Action" : [
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ListDeadLetterSourceQueues",
        "sqs:ListQueues",
        "sqs:ListMessageMoveTasks",
        "sqs:ListQueueTags"
      ],
      "Resource" : "*"
    }
  ]
}`,
		},
		{
			name: "AmazonSNSFullAccess", description: "Provides full access to Amazon SNS via the AWS Management Console.",
			version: "v2", created: "2015-02-06T18:41:05Z", updated: "2024-09-24T22:32:00Z",
			document: `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Sid" : "SNSFullAccess",
      "Effect" : "Allow",
      "Action" : "sns:*",
      "Resource" : "*"
    },
    {
      "Sid" : "SMSAccessViaSNS",
      "Effect" : "Allow",
      "Action" : [
        "sms-voice:DescribeVerifiedDestinationNumbers",
        "sms-voice:CreateVerifiedDestinationNumber",
        "sms-voice:SendDestinationNumberVerificationCode",
        "sms-voice:SendTextMessage",
        "sms-voice:DeleteVerifiedDestinationNumber",
        "sms-voice:VerifyDestinationNumber",
        "sms-voice:DescribeAccountAttributes",
        "sms-voice:DescribeSpendLimits",
        "sms-voice:DescribePhoneNumbers",
        "sms-voice:SetTextMessageSpendLimitOverride",
        "sms-voice:DescribeOptedOutNumbers",
        "sms-voice:DeleteOptedOutNumber"
      ],
      "Resource" : "*",
      "Condition" : {
        "StringEquals" : {
          "aws:CalledViaLast" : "sns.amazonaws.com"
        }
      }
    }
  ]
}`,
		},
		{
			name: "AmazonSNSReadOnlyAccess", description: "Provides read only access to Amazon SNS via the AWS Management Console.",
			version: "v2", created: "2015-02-06T18:41:06Z", updated: "2024-09-24T22:13:00Z",
			document: `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Sid" : "SNSReadOnlyAccess",
      "Effect" : "Allow",
      "Action" : [
        "sns:GetTopicAttributes",
        "sns:List*",
        "sns:CheckIfPhoneNumberIsOptedOut",
        "sns:GetEndpointAttributes",
        "sns:GetDataProtectionPolicy",
        "sns:GetPlatformApplicationAttributes",
        "sns:GetSMSAttributes",
        "sns:GetSMSSandboxAccountStatus",
        "sns:GetSubscriptionAttributes"
      ],
      "Resource" : "*"
    },
    {
      "Sid" : "SMSAccessViaSNS",
      "Effect" : "Allow",
      "Action" : [
        "sms-voice:DescribeVerifiedDestinationNumbers",
        "sms-voice:DescribeAccountAttributes",
        "sms-voice:DescribeSpendLimits",
        "sms-voice:DescribePhoneNumbers",
        "sms-voice:DescribeOptedOutNumbers"
      ],
      "Resource" : "*",
      "Condition" : {
        "StringEquals" : {
          "aws:CalledViaLast" : "sns.amazonaws.com"
        }
      }
    }
  ]
}`,
		},
		{
			name: "IAMFullAccess", description: "Provides full access to IAM via the AWS Management Console.",
			version: "v2", created: "2015-02-06T18:40:38Z", updated: "2019-06-21T19:40:00Z",
			document: `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "iam:*",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribePolicy",
        "organizations:ListChildren",
        "organizations:ListParents",
        "organizations:ListPoliciesForTarget",
        "organizations:ListRoots",
        "organizations:ListPolicies",
        "organizations:ListTargetsForPolicy"
      ],
      "Resource" : "*"
    }
  ]
}`,
		},
		{
			name: "AWSKeyManagementServicePowerUser", description: "Provides access to AWS Key Management Service (KMS).",
			version: "v2", created: "2015-02-06T18:40:40Z", updated: "2017-03-07T00:55:00Z",
			document: `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "kms:CreateAlias",
        "kms:CreateKey",
        "kms:DeleteAlias",
        "kms:Describe*",
        "kms:GenerateRandom",
        "kms:Get*",
        "kms:List*",
        "kms:TagResource",
        "kms:UntagResource",
        "iam:ListGroups",
        "iam:ListRoles",
        "iam:ListUsers"
      ],
      "Resource" : "*"
    }
  ]
}`,
		},
	}
}

// awsManagedPolicies builds the AWS managed policies, by lower-case name.
// Their ids are derived from their names, so they are the same in every
// run.
func awsManagedPolicies() (map[string]*managedPolicy, error) {
	data := awsManagedData()
	out := make(map[string]*managedPolicy, len(data))
	for _, d := range data {
		parsed, err := policy.Parse(d.document, policy.Identity)
		if err != nil {
			return nil, fmt.Errorf("iam: AWS managed policy %s: %w", d.name, err)
		}
		created, err := time.Parse(time.RFC3339, d.created)
		if err != nil {
			return nil, err
		}
		updated, err := time.Parse(time.RFC3339, d.updated)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(d.name))
		out[lower(d.name)] = &managedPolicy{
			Name: d.name, Path: "/", Account: awsAccount, Description: d.description,
			ID:      prefixPolicy + base32.StdEncoding.EncodeToString(sum[:])[:17],
			Created: created, Updated: updated, Default: d.version,
			Versions: []policyVersion{{ID: d.version, Document: d.document, Created: updated, parsed: parsed}},
		}
	}
	return out, nil
}
