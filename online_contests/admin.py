from django.contrib import admin

from online_contests.models import Attempt, ContestPool, OnlineContest, RefusedRequest, SchoolResult


class ContestPoolInline(admin.TabularInline):
    model = ContestPool
    extra = 0


@admin.register(OnlineContest)
class OnlineContestAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "province", "opens_at", "closes_at", "status"]
    list_filter = ["status"]
    inlines = [ContestPoolInline]
    readonly_fields = ["rules_html", "draw_salt", "participant_count", "published_at"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["contest", "student", "started_at", "finished_at", "finish", "score", "rank", "prize"]
    list_filter = ["finish", "prize"]
    raw_id_fields = ["student", "classroom"]
    readonly_fields = ["question_ids", "seed", "started_at", "deadline", "finished_at", "finish", "score"]


@admin.register(RefusedRequest)
class RefusedRequestAdmin(admin.ModelAdmin):
    list_display = ["contest", "student", "reason", "detail", "created_at"]
    list_filter = ["reason"]


admin.site.register(SchoolResult)
