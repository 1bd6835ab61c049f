package jira

import (
	"context"
	"sync"

	"github.com/voc-dev/voc/integrations/tracker"
)

// priorities maps voc's levels onto the site's priority names, reading the
// site's list once.
type priorities struct {
	off   bool
	mu    sync.Mutex
	names []string // most urgent first; nil until read
}

// name is the Jira priority of level p, or "" to leave it alone.
func (c *Client) priorityName(ctx context.Context, p tracker.Priority) (string, error) {
	if c.prio.off || p == tracker.NoPriority {
		return "", nil
	}
	c.prio.mu.Lock()
	defer c.prio.mu.Unlock()
	if c.prio.names == nil {
		var list []namedBean
		if err := c.call(ctx, "GET", c.apiPrefix()+"/priority", nil, &list); err != nil {
			return "", c.fail("list priorities", err)
		}
		names := []string{}
		for _, b := range list {
			if b.Name != "" {
				names = append(names, b.Name)
			}
		}
		c.prio.names = names
	}
	if len(c.prio.names) == 0 {
		return "", nil
	}
	i := min(int(p)-1, len(c.prio.names)-1)
	return c.prio.names[i], nil
}
