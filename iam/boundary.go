package iam

import (
	"context"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Permissions boundaries of users and roles: a managed policy that caps
// what the entity's identity policies can grant.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html

func (t *entityType[E]) validateBoundary(name, arn string) *api.Error {
	v := t.validation(name)
	v.arn(arn, "permissionsBoundary")
	return v.Err()
}

func (t *entityType[E]) putBoundary(s *Service, req *api.Request, name, arn string) error {
	if err := t.validateBoundary(name, arn); err != nil {
		return err
	}
	return t.change(s, req, name, func(e E) *api.Error {
		if err := s.checkBoundary(req, arn); err != nil {
			return err
		}
		*e.parts().boundary = arn
		return nil
	})
}

func (t *entityType[E]) deleteBoundary(s *Service, req *api.Request, name string) error {
	if err := t.validation(name).Err(); err != nil {
		return err
	}
	return t.change(s, req, name, func(e E) *api.Error {
		*e.parts().boundary = ""
		return nil
	})
}

type putUserBoundaryInput struct {
	UserName            string
	PermissionsBoundary string
}

func (in *putUserBoundaryInput) target() ref {
	return ref{kind: kindUser, name: in.UserName, boundary: in.PermissionsBoundary}
}

func (in *putUserBoundaryInput) validate() *api.Error {
	return users.validateBoundary(in.UserName, in.PermissionsBoundary)
}

func (s *Service) putUserPermissionsBoundary(_ context.Context, req *api.Request, in *putUserBoundaryInput) (*struct{}, error) {
	return nil, users.putBoundary(s, req, in.UserName, in.PermissionsBoundary)
}

type deleteUserBoundaryInput struct {
	UserName string
}

func (in *deleteUserBoundaryInput) target() ref { return users.ref(in.UserName) }

func (in *deleteUserBoundaryInput) validate() *api.Error { return users.validation(in.UserName).Err() }

func (s *Service) deleteUserPermissionsBoundary(_ context.Context, req *api.Request, in *deleteUserBoundaryInput) (*struct{}, error) {
	return nil, users.deleteBoundary(s, req, in.UserName)
}

type putRoleBoundaryInput struct {
	RoleName            string
	PermissionsBoundary string
}

func (in *putRoleBoundaryInput) target() ref {
	return ref{kind: kindRole, name: in.RoleName, boundary: in.PermissionsBoundary}
}

func (in *putRoleBoundaryInput) validate() *api.Error {
	return roles.validateBoundary(in.RoleName, in.PermissionsBoundary)
}

func (s *Service) putRolePermissionsBoundary(_ context.Context, req *api.Request, in *putRoleBoundaryInput) (*struct{}, error) {
	return nil, roles.putBoundary(s, req, in.RoleName, in.PermissionsBoundary)
}

type deleteRoleBoundaryInput struct {
	RoleName string
}

func (in *deleteRoleBoundaryInput) target() ref { return roles.ref(in.RoleName) }

func (in *deleteRoleBoundaryInput) validate() *api.Error { return roles.validation(in.RoleName).Err() }

func (s *Service) deleteRolePermissionsBoundary(_ context.Context, req *api.Request, in *deleteRoleBoundaryInput) (*struct{}, error) {
	return nil, roles.deleteBoundary(s, req, in.RoleName)
}
