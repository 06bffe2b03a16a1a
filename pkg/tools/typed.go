package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// Typed tools declare their input as a struct: the json tag names each
// argument once, the jsonschema tag describes it, a field without
// omitempty is required, and the field's type decodes and checks the
// value (params.Decoder). The schema is derived from the struct and the
// arguments are decoded into it before the handler runs; a decoding
// failure is an input error naming the argument and what it accepts.
// mcp-go reads options after commas in a jsonschema tag ("enum=..."), so a
// description with a comma not followed by a space (a list such as
// "U1,@jane") goes in a jsonschema_description tag instead; the golden
// schema test catches a slip.

// input returns the Params of a tool whose input is In.
func input[In any]() []mcp.ToolOption {
	return []mcp.ToolOption{inputSchema[In]()}
}

// inputSchema derives the input schema of In. jsonschema-go closes struct
// schemas (additionalProperties: false); the hand-written schemas clients
// know never did, and a client that checks arguments against the schema
// must not start refusing extra ones, so it stays open.
func inputSchema[In any]() mcp.ToolOption {
	derive := mcp.WithInputSchema[In]()
	return func(t *mcp.Tool) {
		derive(t)
		var m map[string]any
		if err := json.Unmarshal(t.RawInputSchema, &m); err != nil {
			panic(fmt.Sprintf("tools: input schema of %T: %v", *new(In), err)) // a declaration bug, caught by every test
		}
		delete(m, "additionalProperties")
		props, _ := m["properties"].(map[string]any)
		for _, f := range params.Fields(reflect.TypeFor[In]()) {
			prop, _ := props[f.Name].(map[string]any)
			if tuner, ok := reflect.Zero(f.Type).Interface().(params.SchemaTuner); ok && prop != nil {
				tuner.TuneSchema(prop, f)
			}
		}
		raw, err := json.Marshal(m)
		if err == nil {
			// As a declared schema, so code reading InputSchema (tests,
			// the README generator) sees typed tools like the others.
			t.InputSchema, t.RawInputSchema = mcp.ToolInputSchema{}, nil
			err = json.Unmarshal(raw, &t.InputSchema)
		}
		if err != nil {
			panic(fmt.Sprintf("tools: input schema of %T: %v", *new(In), err))
		}
	}
}

// typed adapts a handler of In to Handler, decoding the arguments first.
func typed[In any](h func(ctx context.Context, d *Deps, in *In) (*mcp.CallToolResult, error)) Handler {
	return func(ctx context.Context, d *Deps, args Args) (*mcp.CallToolResult, error) {
		var in In
		if err := params.Decode(args, &in); err != nil {
			return nil, inputErr(err)
		}
		return h(ctx, d, &in)
	}
}
