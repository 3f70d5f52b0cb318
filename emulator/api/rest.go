package api

// REST-JSON services (AWS IoT's control and data planes) name an operation
// by HTTP method and path instead of X-Amz-Target or Action. An input
// struct says where each member comes from with a `rest` tag:
//
//	rest:"uri=ruleName"        a path label of the route
//	rest:"query=maxResults"    a query-string parameter
//	rest:"header=x-amz-tagging" a request header
//	rest:"payload"             the whole body: raw bytes for a []byte
//	                           member, else the body decoded as JSON
//
// Members without a tag are JSON members of the body. Labels, parameters
// and headers fill string, bool and integer members and pointers to them.

// Route gives an action its HTTP method and path, in gorilla/mux's
// template syntax: /rules/{ruleName}, /topics/{topic:.+}.
func Route(a *Action, method, path string) *Action {
	a.Method, a.Path = method, path
	return a
}
