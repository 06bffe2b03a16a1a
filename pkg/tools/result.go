package tools

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// InputError is bad input the model can fix; it becomes an isError result.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Inputf builds an *InputError.
func Inputf(format string, a ...any) error { return &InputError{Msg: fmt.Sprintf(format, a...)} }

// inputErr marks a parser error as the model's to fix.
func inputErr(err error) error {
	if err == nil {
		return nil
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	return &InputError{Msg: err.Error()}
}

// Page is the structured result of every listing tool: the rows the CSV
// text shows, and the cursor for the next page ("" when there is none).
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty" jsonschema:"pass as cursor to fetch the next page; absent on the last page"`
}

// pageResult renders rows as CSV (header from `csv` struct tags, the
// incumbent's format, so existing prompts keep working) plus the same rows
// as structuredContent. A non-empty cursor goes into the Cursor column of
// the last row, as the incumbent does, and also onto a last line of its
// own, which a reader finds even when the page has no rows.
func pageResult[T any](rows []T, next string) *mcp.CallToolResult {
	if rows == nil {
		rows = []T{}
	}
	text := csvText(withCursor(rows, next))
	if next != "" {
		text += "next_cursor: " + next + "\n"
	}
	return mcp.NewToolResultStructured(Page[T]{Items: rows, NextCursor: next}, text)
}

// cursorColumn names the CSV column that is empty on every row but the
// last, which carries the cursor of the next page.
const cursorColumn = "Cursor"

// withCursor returns rows with next in the last row's Cursor column; rows
// itself is left alone. Types without that column come back unchanged.
func withCursor[T any](rows []T, next string) []T {
	if next == "" || len(rows) == 0 {
		return rows
	}
	t := reflect.TypeFor[T]()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Tag.Get("csv") == cursorColumn && f.Type.Kind() == reflect.String {
			out := slices.Clone(rows)
			reflect.ValueOf(&out[len(out)-1]).Elem().Field(i).SetString(next)
			return out
		}
	}
	return rows
}

// csvText writes rows as CSV with a header row taken from the `csv` tags of T.
func csvText[T any](rows []T) string {
	t := reflect.TypeFor[T]()
	var cols []int
	var header []string
	blank := map[int]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, opt, _ := strings.Cut(t.Field(i).Tag.Get("csv"), ",")
		if name == "" || name == "-" || (opt == "omitempty" && allZero(rows, i)) {
			continue
		}
		// blankzero writes a zero value as an empty cell ("" not "false"):
		// for our own columns, where the model's context is what we save.
		blank[i] = opt == "blankzero"
		cols = append(cols, i)
		header = append(header, name)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(header)
	rec := make([]string, len(cols))
	for _, row := range rows {
		v := reflect.ValueOf(row)
		for j, i := range cols {
			if f := v.Field(i); blank[i] && f.IsZero() {
				rec[j] = ""
			} else {
				rec[j] = cell(f)
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.String()
}

// allZero reports whether field i is empty in every row: an omitempty
// column is left out of the CSV then, so tools that never fill it pay
// nothing for it.
func allZero[T any](rows []T, i int) bool {
	for _, row := range rows {
		if !reflect.ValueOf(row).Field(i).IsZero() {
			return false
		}
	}
	return true
}

func cell(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = cell(v.Index(i))
		}
		return strings.Join(parts, " ")
	default:
		return fmt.Sprint(v.Interface())
	}
}

// withNote appends a line for the model to the text of a result.
func withNote(res *mcp.CallToolResult, note string) *mcp.CallToolResult {
	for i, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			tc.Text += "note: " + note + "\n"
			res.Content[i] = tc
			return res
		}
	}
	res.Content = append(res.Content, mcp.NewTextContent("note: "+note))
	return res
}

// warmingNote is added while a directory is still loading at start.
const warmingNote = "the directory is still loading from Slack, so this list may be incomplete; retry in a minute for the full list"
