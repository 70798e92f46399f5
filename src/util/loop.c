#include "config.h"

#include "util/loop.h"

/* Test clocks; production never sets them. */
static struct {
	loop_clock_cb mono;
	loop_clock_cb wall;
	void *data;
} clocks;

uint64_t
loop_now(uv_loop_t *loop)
{
	if (clocks.mono != NULL)
		return clocks.mono(clocks.data);
	return uv_now(loop);
}

int64_t
loop_wall_now(void)
{
	if (clocks.wall != NULL)
		return (int64_t)clocks.wall(clocks.data);
	return (int64_t)time(NULL);
}

void
loop_set_clock(loop_clock_cb mono, loop_clock_cb wall, void *data)
{
	clocks.mono = mono;
	clocks.wall = wall;
	clocks.data = data;
}
