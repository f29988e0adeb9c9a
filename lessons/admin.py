from django.contrib import admin

from lessons.models import (
    Choice,
    Course,
    CourseCompletion,
    Lesson,
    LessonAssignment,
    LessonCompletion,
    LessonRating,
    PracticeAnswer,
    PracticeAttempt,
    Question,
    Quiz,
    SimulationProgress,
)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "version"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["order", "key", "title", "required", "mastery", "simulation", "simulation_required", "is_active"]
    list_filter = ["course", "required", "is_active"]
    readonly_fields = ["body_html", "teacher_guide_html", "source_file"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "text", "quiz", "source", "is_retired"]
    list_filter = ["kind", "is_retired", "quiz__lesson"]
    search_fields = ["key", "text"]
    inlines = [ChoiceInline]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "lesson", "owner", "school", "draw_count", "created_at"]
    list_select_related = ["lesson", "owner", "school"]
    raw_id_fields = ["owner"]


class PracticeAnswerInline(admin.TabularInline):
    model = PracticeAnswer
    extra = 0
    raw_id_fields = ["question"]


@admin.register(PracticeAttempt)
class PracticeAttemptAdmin(admin.ModelAdmin):
    list_display = ["student", "lesson", "started_at", "submitted_at", "percent", "passed"]
    list_filter = ["lesson", "passed"]
    raw_id_fields = ["student"]
    inlines = [PracticeAnswerInline]


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["student", "lesson", "method", "completed_at", "best_percent"]
    list_filter = ["lesson", "method"]
    raw_id_fields = ["student", "recorded_by"]


@admin.register(CourseCompletion)
class CourseCompletionAdmin(admin.ModelAdmin):
    list_display = ["student", "course", "trained_at"]
    raw_id_fields = ["student"]


@admin.register(LessonRating)
class LessonRatingAdmin(admin.ModelAdmin):
    list_display = ["lesson", "stars", "comment", "updated_at"]
    list_filter = ["lesson", "stars"]
    raw_id_fields = ["student"]


@admin.register(SimulationProgress)
class SimulationProgressAdmin(admin.ModelAdmin):
    list_display = ["student", "simulation", "step", "completed_at"]
    raw_id_fields = ["student"]


@admin.register(LessonAssignment)
class LessonAssignmentAdmin(admin.ModelAdmin):
    list_display = ["classroom", "lesson", "due_on", "assigned_by"]
    raw_id_fields = ["assigned_by"]
