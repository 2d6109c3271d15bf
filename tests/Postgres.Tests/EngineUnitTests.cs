using System.Text;

namespace DisasterRecovery.Postgres.Tests;

/// <summary>The engine's pieces that need no server.</summary>
public sealed class EngineUnitTests
{
    [Fact]
    public void RowHasher_WhenRowsComeInAnotherOrderOrSplitAcrossReads_ShouldGiveTheSameHash()
    {
        var forward = new RowHasher();
        forward.Add("1\ta\n2\tb\n3\t\\N\n"u8);
        var backward = new RowHasher();
        backward.Add("3\t\\N\n2\t"u8);
        backward.Add("b\n1\ta"u8);
        backward.Add("\n"u8);
        var different = new RowHasher();
        different.Add("1\ta\n2\tb\n3\tc\n"u8);

        Assert.Equal(3, forward.Rows);
        Assert.Equal(3, backward.Rows);
        Assert.Equal(forward.Sum, backward.Sum);
        Assert.NotEqual(forward.Sum, different.Sum);
        Assert.False(backward.InsideRow);
    }

    [Fact]
    public void RowHasher_WhenARowIsRepeated_ShouldCountItTwice()
    {
        var once = new RowHasher();
        once.Add("x\n"u8);
        var twice = new RowHasher();
        twice.Add("x\nx\n"u8);

        Assert.NotEqual(once.Sum, twice.Sum);
        Assert.Equal(2, twice.Rows);
    }

    [Fact]
    public void SqlScriptParse_WhenGivenPgDumpPostData_ShouldSplitEntriesAndDropRestrictLines()
    {
        const string text = """
            --
            -- PostgreSQL database dump
            --

            \restrict abc123

            SET statement_timeout = 0;
            SELECT pg_catalog.set_config('search_path', '', false);

            --
            -- Name: t t_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
            --

            ALTER TABLE ONLY public.t
                ADD CONSTRAINT t_pkey PRIMARY KEY (id);


            --
            -- Name: My Index; Type: INDEX; Schema: Sales; Owner: postgres
            --

            CREATE INDEX "My Index" ON "Sales"."Order Items" USING btree (note);


            --
            -- Name: c c_fk; Type: FK CONSTRAINT; Schema: public; Owner: postgres
            --

            ALTER TABLE ONLY public.c
                ADD CONSTRAINT c_fk FOREIGN KEY (t_id) REFERENCES public.t(id);


            --
            -- PostgreSQL database dump complete
            --

            \unrestrict abc123

            """;

        var script = SqlScript.Parse(text);

        Assert.Equal(["CONSTRAINT", "INDEX", "FK CONSTRAINT"], script.Entries.Select(e => e.Type));
        Assert.Contains("SET statement_timeout = 0;", script.Preamble);
        Assert.DoesNotContain("restrict", script.Preamble);
        Assert.Equal("CREATE INDEX \"My Index\" ON \"Sales\".\"Order Items\" USING btree (note);", script.Entries[1].Body);
        Assert.DoesNotContain("dump complete", script.Entries[2].Body);
        Assert.Equal("public.t", LoadSchedule.TableOf(script.Entries[0]));
    }

    [Fact]
    public async Task LoadSchedule_WhenABigTableIsSplit_ShouldHoldItsIndexUntilItsLastChunkIsLoaded()
    {
        DumpSegment Chunk(string table, long offset, long length) =>
            new() { Kind = DumpSegmentKind.TableData, Table = table, Offset = offset, StoredLength = length, RawLength = 1, Sha256 = new string('0', 64) };
        var index = new ScriptEntry("t_idx", "INDEX", "public", "CREATE INDEX t_idx ON public.t USING btree (a);");
        var key = new ScriptEntry("s s_fk", "FK CONSTRAINT", "public",
            "ALTER TABLE ONLY public.s\n    ADD CONSTRAINT s_fk FOREIGN KEY (t) REFERENCES public.t(a);");
        var schedule = new LoadSchedule([Chunk("public.t", 0, 10), Chunk("public.t", 10, 9), Chunk("public.s", 19, 1), Chunk("public.s", 20, 1)], [index],
            workers: 2, foreignKeys: [key],
            splitTable: (size, total) => size * 4 > total);

        var first = await schedule.NextAsync(CancellationToken.None);
        var second = await schedule.NextAsync(CancellationToken.None);
        var third = await schedule.NextAsync(CancellationToken.None);
        var waiting = schedule.NextAsync(CancellationToken.None);
        schedule.Done(third!);
        schedule.Done(first!);
        var stillWaiting = !waiting.IsCompleted;
        schedule.Done(second!);
        var fourth = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        schedule.Done(fourth!);
        var fifth = await schedule.NextAsync(CancellationToken.None);
        schedule.Done(fifth!);

        Assert.Equal(5, schedule.Jobs);
        Assert.Equal([10L], first!.Chunks!.Select(c => c.StoredLength));
        Assert.False(first.Freeze);
        Assert.Equal(2, third!.Chunks!.Count);
        Assert.True(third.Freeze);
        Assert.True(stillWaiting);
        Assert.Same(index, fourth!.Entry);
        Assert.Same(key, fifth!.Entry);
        Assert.Null(await schedule.NextAsync(CancellationToken.None));
    }

    [Fact]
    public async Task LoadSchedule_WhenSmallTablesAreDoneFirst_ShouldCheckTheirForeignKeysWhileABigTableStillLoads()
    {
        DumpSegment Chunk(string table, long offset, long length) =>
            new() { Kind = DumpSegmentKind.TableData, Table = table, Offset = offset, StoredLength = length, RawLength = 1, Sha256 = new string('0', 64) };
        var index = new ScriptEntry("big_idx", "INDEX", "public", "CREATE INDEX big_idx ON public.big USING btree (a);");
        var uniqueKey = new ScriptEntry("u u_pkey", "CONSTRAINT", "public", "ALTER TABLE ONLY \"Odd\".\"u (x)\"\n    ADD CONSTRAINT u_pkey PRIMARY KEY (id);");
        var smallKey = new ScriptEntry("s s_fk", "FK CONSTRAINT", "public",
            "ALTER TABLE ONLY public.s\n    ADD CONSTRAINT s_fk FOREIGN KEY (u_id) REFERENCES \"Odd\".\"u (x)\"(id);");
        var bigKey = new ScriptEntry("big big_fk", "FK CONSTRAINT", "public",
            "ALTER TABLE ONLY public.big\n    ADD CONSTRAINT big_fk FOREIGN KEY (u_id) REFERENCES \"Odd\".\"u (x)\"(id);");
        var schedule = new LoadSchedule([Chunk("public.big", 0, 10), Chunk("public.s", 10, 2), Chunk("\"Odd\".\"u (x)\"", 12, 1)], [index, uniqueKey],
            workers: 2, foreignKeys: [bigKey, smallKey]);

        Assert.Equal("\"Odd\".\"u (x)\"", LoadSchedule.ReferencedTableOf(smallKey));
        var big = await schedule.NextAsync(CancellationToken.None);
        var s = await schedule.NextAsync(CancellationToken.None);
        schedule.Done(s!);
        var u = await schedule.NextAsync(CancellationToken.None);
        schedule.Done(u!);
        var key = await schedule.NextAsync(CancellationToken.None);
        schedule.Done(key!);
        var early = await schedule.NextAsync(CancellationToken.None);
        schedule.Done(early!);
        var waiting = schedule.NextAsync(CancellationToken.None);
        var stillWaiting = !waiting.IsCompleted;
        schedule.Done(big!);
        var bigIndex = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        schedule.Done(bigIndex!);
        var last = await schedule.NextAsync(CancellationToken.None);
        schedule.Done(last!);

        Assert.Equal("public.big", big!.Chunks![0].Table);
        Assert.Same(uniqueKey, key!.Entry);
        Assert.Same(smallKey, early!.Entry);
        Assert.True(stillWaiting);
        Assert.Same(index, bigIndex!.Entry);
        Assert.Same(bigKey, last!.Entry);
        Assert.Null(await schedule.NextAsync(CancellationToken.None));
    }

    [Fact]
    public void FrameEncoder_WhenTextIsWritten_ShouldProduceFramesTheZstdFormatDecodes()
    {
        using var encoder = new FrameEncoder(1);
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("COPY row\tvalue\n", 400_000)));
        encoder.Write(text);
        using var segment = encoder.TakeSegment(out var raw);
        var stored = segment.Blocks().SelectMany(b => b.ToArray()).ToArray();

        using var decompressor = new ZstdSharp.DecompressionStream(new MemoryStream(stored));
        using var output = new MemoryStream();
        decompressor.CopyTo(output);

        Assert.Equal(text.Length, raw);
        Assert.Equal(text, output.ToArray());
        Assert.True(stored.Length < text.Length / 10);
    }

    [Fact]
    public void PostgresEndpoint_WhenPrinted_ShouldNotShowThePassword()
    {
        var endpoint = new PostgresEndpoint { Host = "db", Username = "u", Password = "s3cret", Database = "d" };

        Assert.DoesNotContain("s3cret", endpoint.ToString());
        Assert.Equal("s3cret", endpoint.ToolEnvironment()["PGPASSWORD"]);
    }
}
