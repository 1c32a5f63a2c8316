namespace K8sNet.Testing.Lab;

/// <summary>
/// The policy lab's clock: time moves only when the simulation takes its next event, and timers created on it (the
/// routing core's outlier review and idle checks, a policy's own) are events of that same queue, fired in order on the
/// simulation's thread. One tick of a timestamp is one <see cref="TimeSpan"/> tick.
/// </summary>
/// <remarks>
/// Not <c>FakeTimeProvider</c>: that one scans every waiter on each advance, and a simulation with thousands of
/// requests in flight advances tens of thousands of times. Events at the same instant run in the order they were
/// scheduled, so a run repeats exactly.
/// </remarks>
internal sealed class VirtualClock : TimeProvider
{
    /// <summary>Timestamps start here, not at 0: the routing core reads a timestamp of 0 as "the time was not read".</summary>
    public const long Origin = TimeSpan.TicksPerSecond;

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Lock _gate = new();
    private readonly PriorityQueue<LabEvent, (long Time, long Sequence)> _events = new();
    private long _sequence;
    private long _now = Origin;

    /// <summary>Now, in ticks since the start of the simulation.</summary>
    public long Elapsed => Volatile.Read(ref _now) - Origin;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _now);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(Volatile.Read(ref _now) - Origin);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Schedules an event at <paramref name="timestamp"/> (never before now).</summary>
    public void Schedule(long timestamp, in LabEvent e)
    {
        lock (_gate)
        {
            _events.Enqueue(e, (Math.Max(timestamp, _now), _sequence++));
        }
    }

    /// <summary>Takes the next event and moves time to it.</summary>
    public bool TryNext(out LabEvent e)
    {
        lock (_gate)
        {
            if (!_events.TryDequeue(out e, out var key))
            {
                return false;
            }

            Volatile.Write(ref _now, key.Time);
            return true;
        }
    }

    private sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _generation;
        private long _period;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                if (_disposed)
                {
                    return false;
                }

                _generation++;
                _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    var at = clock._now + Math.Max(0, dueTime.Ticks);
                    clock._events.Enqueue(LabEvent.ForTimer(this, _generation), (at, clock._sequence++));
                }

                return true;
            }
        }

        /// <summary>Fires, if this event is still the timer's current one, and schedules the next period.</summary>
        public void Fire(long generation)
        {
            lock (clock._gate)
            {
                if (_disposed || generation != _generation)
                {
                    return;
                }

                if (_period > 0)
                {
                    clock._events.Enqueue(LabEvent.ForTimer(this, generation), (clock._now + _period, clock._sequence++));
                }
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                _disposed = true;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Runs a timer event.</summary>
    public static void FireTimer(in LabEvent e) => ((VirtualTimer)e.Target!).Fire(e.Value);
}
